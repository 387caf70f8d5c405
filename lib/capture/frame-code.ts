// A machine-readable timestamp drawn into the synthetic picture
// (`source.frame_code`): the capture time in epoch ms modulo 2^20 (17.5 min
// wrap) as 20 black/white cells plus an odd-parity cell along the bottom
// edge, each 24x24 px so that it survives H.264 at 1 Mbit/s and JPEG at q50.
// A viewer on the same machine reads it from the displayed picture and
// subtracts it from its own clock: capture→display latency for any
// transport, with no lookup table. Odd parity makes an all-black picture
// (a video element before its first frame) read as invalid.

export const CODE_BITS = 20;
const CODE_MASK = (1 << CODE_BITS) - 1;
const CELL = 24;
const X0 = 16;
/** Width the band needs: 21 cells and the left margin. */
export const CODE_MIN_WIDTH = X0 + (CODE_BITS + 1) * CELL;
export const CODE_MIN_HEIGHT = CELL + 8;

function codeTop(height: number): number {
  return height - CELL - 8;
}

/** The row through the middle of the cells, the one a reader samples. */
export function codeRow(height: number): number {
  return codeTop(height) + CELL / 2;
}

/** Draws `value` (mod 2^20) into an RGB24 frame; frames too small for the band are left alone. */
export function drawFrameCode(rgb: Uint8Array, width: number, height: number, value: number): void {
  if (width < CODE_MIN_WIDTH || height < CODE_MIN_HEIGHT) return;
  const v = value & CODE_MASK;
  let parity = 1;
  const y0 = codeTop(height);
  for (let bit = 0; bit <= CODE_BITS; bit++) {
    const on = bit < CODE_BITS ? (v >> bit) & 1 : parity;
    if (bit < CODE_BITS) parity ^= on;
    const level = on ? 255 : 0;
    const x0 = X0 + bit * CELL;
    for (let y = y0; y < y0 + CELL; y++) rgb.fill(level, (y * width + x0) * 3, (y * width + x0 + CELL) * 3);
  }
}

/**
 * Milliseconds from a code to `nowMs` (epoch), across the 2^20 wrap; signed,
 * because two clocks on one machine (a browser's timeOrigin and ours) can
 * disagree by a few ms, so a fresh picture may read slightly negative.
 */
export function codeAgeMs(code: number, nowMs: number): number {
  const d = (Math.floor(nowMs) - code) & CODE_MASK;
  return d >= (1 << (CODE_BITS - 1)) ? d - (1 << CODE_BITS) : d;
}

/**
 * The reader as source text, for pages (it runs in the browser): given one
 * RGBA row through the cells' middle, the code or -1.
 */
export const READ_FRAME_CODE_JS = `function readFrameCode(row) {
  let value = 0, parity = 1;
  for (let bit = 0; bit <= ${CODE_BITS}; bit++) {
    const i = (${X0} + bit * ${CELL} + ${CELL / 2}) * 4;
    const on = (row[i] + row[i + 1] + row[i + 2]) / 3 > 127 ? 1 : 0;
    if (bit < ${CODE_BITS}) { value |= on << bit; parity ^= on; } else if (on !== parity) return -1;
  }
  return value;
}
function codeAgeMs(code, nowMs) { const d = (Math.floor(nowMs) - code) & ${CODE_MASK}; return d >= ${1 << (CODE_BITS - 1)} ? d - ${1 << CODE_BITS} : d; }`;
