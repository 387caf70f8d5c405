// Grey images for the re-detector's template matching: a region of an RGB
// frame, 2x box-filter pyramid levels, bilinear resampling and integral
// images. Buffers are owned by the caller and grown only when a bigger
// region arrives, so repeated searches allocate nothing.

import type { RgbFrame } from './types.js';

export interface GreyPlane {
  data: Float32Array;
  w: number;
  h: number;
}

export const newPlane = (): GreyPlane => ({ data: new Float32Array(0), w: 0, h: 0 });

function ensure(p: GreyPlane, w: number, h: number): void {
  if (p.data.length < w * h) p.data = new Float32Array(w * h);
  p.w = w;
  p.h = h;
}

/** Grey (BT.601) of the frame region [x, x+w) × [y, y+h), which must lie inside the frame. */
export function greyRegion(frame: RgbFrame, x: number, y: number, w: number, h: number, out: GreyPlane): void {
  ensure(out, w, h);
  const d = frame.data;
  for (let j = 0; j < h; j++) {
    let o = ((y + j) * frame.width + x) * 3;
    const row = j * w;
    for (let i = 0; i < w; i++, o += 3) out.data[row + i] = (d[o] * 77 + d[o + 1] * 150 + d[o + 2] * 29) * (1 / 256);
  }
}

/** Half-size level: each pixel the mean of a 2x2 block (odd edges dropped). */
export function halve(src: GreyPlane, out: GreyPlane): void {
  const w = src.w >> 1;
  const h = src.h >> 1;
  ensure(out, w, h);
  const s = src.data;
  for (let j = 0; j < h; j++) {
    const a = 2 * j * src.w;
    const b = a + src.w;
    for (let i = 0; i < w; i++) out.data[j * w + i] = 0.25 * (s[a + 2 * i] + s[a + 2 * i + 1] + s[b + 2 * i] + s[b + 2 * i + 1]);
  }
}

/** Bilinear resample of the whole plane to w × h (centres aligned). */
export function resample(src: GreyPlane, w: number, h: number, out: GreyPlane): void {
  ensure(out, w, h);
  const sx = src.w / w;
  const sy = src.h / h;
  const s = src.data;
  for (let j = 0; j < h; j++) {
    let fy = (j + 0.5) * sy - 0.5;
    fy = fy < 0 ? 0 : fy > src.h - 1 ? src.h - 1 : fy;
    const y0 = Math.floor(fy);
    const y1 = Math.min(src.h - 1, y0 + 1);
    const ay = fy - y0;
    for (let i = 0; i < w; i++) {
      let fx = (i + 0.5) * sx - 0.5;
      fx = fx < 0 ? 0 : fx > src.w - 1 ? src.w - 1 : fx;
      const x0 = Math.floor(fx);
      const x1 = Math.min(src.w - 1, x0 + 1);
      const ax = fx - x0;
      const top = s[y0 * src.w + x0] + (s[y0 * src.w + x1] - s[y0 * src.w + x0]) * ax;
      const bot = s[y1 * src.w + x0] + (s[y1 * src.w + x1] - s[y1 * src.w + x0]) * ax;
      out.data[j * w + i] = top + (bot - top) * ay;
    }
  }
}

/** Summed-area tables of values and squares, (w+1) × (h+1), for O(1) window means and variances. */
export interface Integrals {
  sum: Float64Array;
  sq: Float64Array;
  w: number;
  h: number;
}

export const newIntegrals = (): Integrals => ({ sum: new Float64Array(0), sq: new Float64Array(0), w: 0, h: 0 });

export function integrate(p: GreyPlane, out: Integrals): void {
  const W = p.w + 1;
  const n = W * (p.h + 1);
  if (out.sum.length < n) {
    out.sum = new Float64Array(n);
    out.sq = new Float64Array(n);
  }
  out.w = p.w;
  out.h = p.h;
  out.sum.fill(0, 0, W);
  out.sq.fill(0, 0, W);
  for (let j = 0; j < p.h; j++) {
    let rs = 0;
    let rq = 0;
    out.sum[(j + 1) * W] = 0;
    out.sq[(j + 1) * W] = 0;
    for (let i = 0; i < p.w; i++) {
      const v = p.data[j * p.w + i];
      rs += v;
      rq += v * v;
      out.sum[(j + 1) * W + i + 1] = out.sum[j * W + i + 1] + rs;
      out.sq[(j + 1) * W + i + 1] = out.sq[j * W + i + 1] + rq;
    }
  }
}
