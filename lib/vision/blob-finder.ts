// Connected regions of a thresholded likelihood map: the hybrid tracker
// re-centres its box on the region under it, and searches the whole frame
// for the target's colour after losing it. Buffers are sized once for the
// largest region (the frame) and reused; a visit stamp avoids clearing the
// label map on every call.

import type { PixelBox, RgbFrame } from './types.js';
import { binOf } from './colour-model.js';

export interface Blob {
  /** Pixels in the region (mask cells × step²). */
  pixels: number;
  /** Pixels of it inside the box given to bestOverlapping(). */
  inside: number;
  /** Bounding box in frame pixels after trimming thin tails (noise specks that touch the region). */
  x: number;
  y: number;
  w: number;
  h: number;
  /** The region touches the border of the masked area (it may continue beyond it). */
  edge: boolean;
}

export const newBlob = (): Blob => ({ pixels: 0, inside: 0, x: 0, y: 0, w: 0, h: 0, edge: false });

/**
 * Edge columns/rows of a region holding fewer cells than TAIL_MIN or than
 * TAIL_SHARE of the fullest one are tails (noise specks touching it), not
 * the target. Low enough to keep the corners of a turned box: a car at 45°
 * lost ≈10 % of its width to a 20 % share.
 */
const TAIL_SHARE = 0.05;
const TAIL_MIN = 2.5;

/**
 * The box of a region from its column and row projections (cells
 * [minI, maxI] × [minJ, maxJ]), dropping thin tails at its edges (see
 * TAIL_SHARE). Writes x, y, w, h (cells) into `out`.
 */
export function trimmedBox(cols: Int32Array, rows: Int32Array, minI: number, maxI: number, minJ: number, maxJ: number, out: Blob): void {
  let maxC = 0;
  for (let k = minI; k <= maxI; k++) if (cols[k] > maxC) maxC = cols[k];
  let maxR = 0;
  for (let k = minJ; k <= maxJ; k++) if (rows[k] > maxR) maxR = rows[k];
  const tc = Math.max(TAIL_MIN, TAIL_SHARE * maxC);
  const tr = Math.max(TAIL_MIN, TAIL_SHARE * maxR);
  let a = minI;
  while (a < maxI && cols[a] < tc) a++;
  let b = maxI;
  while (b > a && cols[b] < tc) b--;
  let e = minJ;
  while (e < maxJ && rows[e] < tr) e++;
  let f = maxJ;
  while (f > e && rows[f] < tr) f--;
  out.x = a;
  out.y = e;
  out.w = b - a + 1;
  out.h = f - e + 1;
}

export class BlobFinder {
  readonly #cap: number;
  /** Mask of the current region (1 = likely target). */
  readonly #mask: Uint8Array;
  /** Visit stamps (a cell is visited when equal to #stamp). */
  readonly #seen: Uint32Array;
  #stamp = 0;
  /** Flood-fill stack. */
  readonly #stack: Int32Array;
  /** Projections of the current component. */
  readonly #cols: Int32Array;
  readonly #rows: Int32Array;
  // Current region, frame coordinates and cell step.
  #rx = 0;
  #ry = 0;
  #rw = 0;
  #rh = 0;
  #step = 1;

  constructor(maxW: number, maxH: number) {
    this.#cap = maxW * maxH;
    this.#mask = new Uint8Array(this.#cap);
    this.#seen = new Uint32Array(this.#cap);
    this.#stack = new Int32Array(this.#cap);
    this.#cols = new Int32Array(maxW);
    this.#rows = new Int32Array(maxH);
  }

  /**
   * Starts a caller-filled mask over the frame region [x, x+w) × [y, y+h)
   * (inside the frame, step 1) and returns it: set cells to 1 for "target".
   */
  beginMask(x: number, y: number, w: number, h: number): Uint8Array {
    if (w * h > this.#cap) throw new RangeError(`region ${w}x${h} exceeds the finder's capacity`);
    this.#rx = x;
    this.#ry = y;
    this.#rw = w;
    this.#rh = h;
    this.#step = 1;
    this.revisit();
    return this.#mask;
  }

  /**
   * Thresholds the colour likelihood over a frame region (clipped to the
   * frame), sampling every `step` pixels. Returns the number of mask cells set.
   */
  mask(frame: RgbFrame, lut: Uint8Array, threshold: number, x: number, y: number, w: number, h: number, step = 1): number {
    const x0 = Math.max(0, Math.floor(x));
    const y0 = Math.max(0, Math.floor(y));
    const x1 = Math.min(frame.width, Math.ceil(x + w));
    const y1 = Math.min(frame.height, Math.ceil(y + h));
    const rw = Math.max(0, Math.ceil((x1 - x0) / step));
    const rh = Math.max(0, Math.ceil((y1 - y0) / step));
    if (rw * rh > this.#cap) throw new RangeError(`region ${rw}x${rh} exceeds the finder's capacity`);
    this.#rx = x0;
    this.#ry = y0;
    this.#rw = rw;
    this.#rh = rh;
    this.#step = step;
    const d = frame.data;
    const fw = frame.width;
    const m = this.#mask;
    let set = 0;
    for (let j = 0; j < rh; j++) {
      let o = ((y0 + j * step) * fw + x0) * 3;
      const row = j * rw;
      for (let i = 0; i < rw; i++, o += 3 * step) {
        const v = lut[binOf(d[o], d[o + 1], d[o + 2])] >= threshold ? 1 : 0;
        m[row + i] = v;
        set += v;
      }
    }
    this.revisit();
    return set;
  }

  /** Forgets which regions were visited, so another query can consider them again (same mask). */
  revisit(): void {
    if (++this.#stamp === 0xffffffff) {
      this.#seen.fill(0);
      this.#stamp = 1;
    }
  }

  /**
   * Among the regions with cells inside `box`, the one with most of them
   * (ties: larger region). False when no masked cell lies inside the box.
   */
  bestOverlapping(box: PixelBox, minPixels: number, out: Blob): boolean {
    const s = this.#step;
    const i0 = Math.max(0, Math.floor((box.x - this.#rx) / s));
    const j0 = Math.max(0, Math.floor((box.y - this.#ry) / s));
    const i1 = Math.min(this.#rw, Math.ceil((box.x + box.w - this.#rx) / s));
    const j1 = Math.min(this.#rh, Math.ceil((box.y + box.h - this.#ry) / s));
    let found = false;
    let bestInside = 0;
    let bestPixels = 0;
    let bestX = 0;
    let bestY = 0;
    let bestW = 0;
    let bestH = 0;
    let bestEdge = false;
    for (let j = j0; j < j1; j++) {
      for (let i = i0; i < i1; i++) {
        const c = j * this.#rw + i;
        if (!this.#mask[c] || this.#seen[c] === this.#stamp) continue;
        this.#flood(c, i0, j0, i1, j1);
        if (this.#count * s * s < minPixels) continue;
        if (this.#inside > bestInside || (this.#inside === bestInside && this.#count > bestPixels)) {
          found = true;
          bestInside = this.#inside;
          bestPixels = this.#count;
          bestX = this.#bx; bestY = this.#by; bestW = this.#bw; bestH = this.#bh; bestEdge = this.#edge;
        }
      }
    }
    if (!found) return false;
    out.pixels = bestPixels * s * s;
    out.inside = bestInside * s * s;
    out.x = bestX; out.y = bestY; out.w = bestW; out.h = bestH; out.edge = bestEdge;
    return true;
  }

  /**
   * The region of at least `minPixels` whose box lies nearest to (x, y)
   * (frame pixels), among those not yet visited since mask(); false if none.
   */
  nearest(x: number, y: number, minPixels: number, out: Blob): boolean {
    const s = this.#step;
    const total = this.#rw * this.#rh;
    let best = Infinity;
    for (let c = 0; c < total; c++) {
      if (!this.#mask[c] || this.#seen[c] === this.#stamp) continue;
      this.#flood(c, 0, 0, 0, 0);
      if (this.#count * s * s < minPixels) continue;
      const dx = Math.max(this.#bx - x, 0, x - (this.#bx + this.#bw));
      const dy = Math.max(this.#by - y, 0, y - (this.#by + this.#bh));
      const d = dx * dx + dy * dy;
      if (d < best) {
        best = d;
        out.pixels = this.#count * s * s;
        out.inside = 0;
        out.x = this.#bx; out.y = this.#by; out.w = this.#bw; out.h = this.#bh; out.edge = this.#edge;
      }
    }
    return best < Infinity;
  }

  /**
   * Every region of at least `minPixels`, largest first, up to out.length;
   * returns how many were written.
   */
  components(minPixels: number, out: Blob[]): number {
    const s = this.#step;
    let n = 0;
    const total = this.#rw * this.#rh;
    for (let c = 0; c < total; c++) {
      if (!this.#mask[c] || this.#seen[c] === this.#stamp) continue;
      this.#flood(c, 0, 0, 0, 0);
      const pixels = this.#count * s * s;
      if (pixels < minPixels) continue;
      // Insert by size into the bounded list (out.length is small: a few candidates).
      let k = Math.min(n, out.length - 1);
      if (n === out.length && out[k].pixels >= pixels) continue;
      const slot = out[k];
      while (k > 0 && out[k - 1].pixels < pixels) {
        out[k] = out[k - 1];
        k--;
      }
      out[k] = slot;
      slot.pixels = pixels;
      slot.inside = 0;
      slot.x = this.#bx; slot.y = this.#by; slot.w = this.#bw; slot.h = this.#bh; slot.edge = this.#edge;
      if (n < out.length) n++;
    }
    return n;
  }

  // Results of the last flood fill.
  #count = 0;
  #inside = 0;
  #bx = 0;
  #by = 0;
  #bw = 0;
  #bh = 0;
  #edge = false;
  /** Trimmed box of the last flood, in region cells. */
  readonly #trim: Blob = newBlob();

  /** 8-connected flood fill from cell c; counts cells inside [i0,i1)×[j0,j1) and sets the trimmed box. */
  #flood(c: number, i0: number, j0: number, i1: number, j1: number): void {
    const rw = this.#rw;
    const rh = this.#rh;
    const mask = this.#mask;
    const seen = this.#seen;
    const stamp = this.#stamp;
    const stack = this.#stack;
    const cols = this.#cols;
    const rows = this.#rows;
    let sp = 0;
    stack[sp++] = c;
    seen[c] = stamp;
    let count = 0;
    let inside = 0;
    let minI = rw;
    let maxI = -1;
    let minJ = rh;
    let maxJ = -1;
    while (sp > 0) {
      const cur = stack[--sp];
      const j = (cur / rw) | 0;
      const i = cur - j * rw;
      if (i < minI) minI = i;
      if (i > maxI) maxI = i;
      if (j < minJ) minJ = j;
      if (j > maxJ) maxJ = j;
      cols[i]++;
      rows[j]++;
      count++;
      if (i >= i0 && i < i1 && j >= j0 && j < j1) inside++;
      for (let dj = -1; dj <= 1; dj++) {
        const jj = j + dj;
        if (jj < 0 || jj >= rh) continue;
        for (let di = -1; di <= 1; di++) {
          const ii = i + di;
          if (ii < 0 || ii >= rw) continue;
          const nc = jj * rw + ii;
          if (mask[nc] && seen[nc] !== stamp) {
            seen[nc] = stamp;
            stack[sp++] = nc;
          }
        }
      }
    }
    this.#count = count;
    this.#inside = inside;
    this.#edge = minI === 0 || minJ === 0 || maxI === rw - 1 || maxJ === rh - 1;
    trimmedBox(cols, rows, minI, maxI, minJ, maxJ, this.#trim);
    // Projections are zero between calls: clear the span this component used.
    cols.fill(0, minI, maxI + 1);
    rows.fill(0, minJ, maxJ + 1);
    const s = this.#step;
    const tb = this.#trim;
    this.#bx = this.#rx + tb.x * s;
    this.#by = this.#ry + tb.y * s;
    this.#bw = tb.w * s;
    this.#bh = tb.h * s;
  }
}
