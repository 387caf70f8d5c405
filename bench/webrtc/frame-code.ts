// A machine-readable frame number drawn into the picture: 20 bits plus an
// odd-parity bit as black/white cells along the bottom of the frame, large
// enough (24x24 px) to survive H.264 at 1 Mbit/s. Odd parity, so that a
// black picture (a video element before its first frame) reads as invalid. The page reads it back from
// a canvas to tell which frame it is displaying (capture→display latency).

export const CODE_BITS = 20;
const CELL = 24;
const X0 = 16;

/** The cells' row: y of the band's top edge for a frame of `height`. */
export function codeTop(height: number): number {
  return height - CELL - 8;
}

/** Draws `n` (mod 2^20) into an RGB24 frame. */
export function drawFrameCode(rgb: Uint8Array, width: number, height: number, n: number): void {
  const value = n & ((1 << CODE_BITS) - 1);
  let parity = 1;
  const y0 = codeTop(height);
  for (let bit = 0; bit <= CODE_BITS; bit++) {
    const on = bit < CODE_BITS ? (value >> bit) & 1 : parity;
    parity ^= bit < CODE_BITS ? on : 0;
    const level = on ? 255 : 0;
    const x0 = X0 + bit * CELL;
    for (let y = y0; y < y0 + CELL; y++) rgb.fill(level, (y * width + x0) * 3, (y * width + x0 + CELL) * 3);
  }
}

/**
 * The page-side reader as source text (it runs in the browser): given one
 * RGBA row through the middle of the cells, the frame number or -1.
 */
export const READ_FRAME_CODE_JS = `function readFrameCode(row) {
  let value = 0, parity = 1;
  for (let bit = 0; bit <= ${CODE_BITS}; bit++) {
    const x = ${X0} + bit * ${CELL} + ${CELL / 2};
    const i = x * 4;
    const on = (row[i] + row[i + 1] + row[i + 2]) / 3 > 127 ? 1 : 0;
    if (bit < ${CODE_BITS}) { value |= on << bit; parity ^= on; } else if (on !== parity) return -1;
  }
  return value;
}`;

/** Row to sample (the cells' middle). */
export function codeRow(height: number): number {
  return codeTop(height) + CELL / 2;
}
