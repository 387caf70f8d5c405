// Resampling a rectangle of an RGB frame into a small grey patch (the
// correlation filters' input). Bilinear, edges replicated, and supersampled
// 2x2 when shrinking by more than 2 so that sensor noise does not alias into
// the patch. Writes into the caller's buffer: nothing allocated per frame.

import type { RgbFrame } from './types.js';

/** Grey level (BT.601 weights) of the pixel at integer (x, y), clamped to the frame. */
function greyAt(d: Uint8Array, w: number, h: number, x: number, y: number): number {
  const xi = x < 0 ? 0 : x >= w ? w - 1 : x;
  const yi = y < 0 ? 0 : y >= h ? h - 1 : y;
  const o = (yi * w + xi) * 3;
  return (d[o] * 77 + d[o + 1] * 150 + d[o + 2] * 29) * (1 / 256);
}

/** Bilinear grey sample at continuous (x, y) (pixel centres at +0.5). */
export function greyBilinear(frame: RgbFrame, x: number, y: number): number {
  const fx = x - 0.5;
  const fy = y - 0.5;
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const ax = fx - x0;
  const ay = fy - y0;
  const { data, width, height } = frame;
  const a = greyAt(data, width, height, x0, y0);
  const b = greyAt(data, width, height, x0 + 1, y0);
  const c = greyAt(data, width, height, x0, y0 + 1);
  const e = greyAt(data, width, height, x0 + 1, y0 + 1);
  return (a + (b - a) * ax) * (1 - ay) + (c + (e - c) * ax) * ay;
}

/**
 * Samples the frame rectangle centred at (cx, cy) of size srcW × srcH into
 * `out` (outW × outH, row-major, grey 0..255).
 */
export function sampleGrey(
  frame: RgbFrame, cx: number, cy: number, srcW: number, srcH: number,
  out: Float64Array, outW: number, outH: number,
): void {
  const sx = srcW / outW;
  const sy = srcH / outH;
  const x0 = cx - srcW / 2;
  const y0 = cy - srcH / 2;
  const superSample = sx > 2 || sy > 2;
  let i = 0;
  for (let j = 0; j < outH; j++) {
    for (let k = 0; k < outW; k++, i++) {
      if (superSample) {
        const px = x0 + k * sx;
        const py = y0 + j * sy;
        out[i] = 0.25 * (
          greyBilinear(frame, px + 0.25 * sx, py + 0.25 * sy) + greyBilinear(frame, px + 0.75 * sx, py + 0.25 * sy)
          + greyBilinear(frame, px + 0.25 * sx, py + 0.75 * sy) + greyBilinear(frame, px + 0.75 * sx, py + 0.75 * sy));
      } else {
        out[i] = greyBilinear(frame, x0 + (k + 0.5) * sx, y0 + (j + 0.5) * sy);
      }
    }
  }
}

/** Cosine (Hann) window of w × h, row-major: tapers patch edges so the FFT's wrap-around does not see a seam. */
export function hann2d(w: number, h: number): Float64Array {
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    const wy = 0.5 * (1 - Math.cos((2 * Math.PI * y) / (h - 1)));
    for (let x = 0; x < w; x++) out[y * w + x] = wy * 0.5 * (1 - Math.cos((2 * Math.PI * x) / (w - 1)));
  }
  return out;
}

/**
 * Desired correlation output: a Gaussian of std `sigma` (patch pixels) with
 * its peak at (0, 0) and wrapped, as the filters' FFT convention wants.
 */
export function gaussianTarget(w: number, h: number, sigma: number): Float64Array {
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    const dy = y < h / 2 ? y : y - h;
    for (let x = 0; x < w; x++) {
      const dx = x < w / 2 ? x : x - w;
      out[y * w + x] = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
    }
  }
  return out;
}

/** Peak of a w×h response with sub-pixel parabolic refinement; displacement wrapped to ±w/2, ±h/2. */
export interface Peak {
  dx: number;
  dy: number;
  value: number;
}

export function findPeak(resp: Float64Array, w: number, h: number, out: Peak): Peak {
  let best = 0;
  for (let i = 1; i < w * h; i++) if (resp[i] > resp[best]) best = i;
  const px = best % w;
  const py = (best - px) / w;
  const at = (x: number, y: number) => resp[((y + h) % h) * w + ((x + w) % w)];
  const c = resp[best];
  const l = at(px - 1, py);
  const r = at(px + 1, py);
  const u = at(px, py - 1);
  const d = at(px, py + 1);
  const denX = l - 2 * c + r;
  const denY = u - 2 * c + d;
  let sx = denX < 0 ? (0.5 * (l - r)) / denX : 0;
  let sy = denY < 0 ? (0.5 * (u - d)) / denY : 0;
  if (!(Math.abs(sx) <= 0.5)) sx = 0;
  if (!(Math.abs(sy) <= 0.5)) sy = 0;
  let dx = px + sx;
  let dy = py + sy;
  if (dx > w / 2) dx -= w;
  if (dy > h / 2) dy -= h;
  out.dx = dx;
  out.dy = dy;
  out.value = c;
  return out;
}

/**
 * Peak-to-sidelobe ratio: (peak − mean) / std of the response outside an
 * 11×11 window around the peak (Bolme et al.'s MOSSE confidence).
 */
export function psr(resp: Float64Array, w: number, h: number, peakX: number, peakY: number): number {
  const px = Math.round(peakX < 0 ? peakX + w : peakX) % w;
  const py = Math.round(peakY < 0 ? peakY + h : peakY) % h;
  let sum = 0;
  let sum2 = 0;
  let n = 0;
  let peak = -Infinity;
  for (let y = 0; y < h; y++) {
    let ddy = Math.abs(y - py);
    if (ddy > h / 2) ddy = h - ddy;
    for (let x = 0; x < w; x++) {
      const v = resp[y * w + x];
      let ddx = Math.abs(x - px);
      if (ddx > w / 2) ddx = w - ddx;
      if (ddx <= 5 && ddy <= 5) {
        if (v > peak) peak = v;
        continue;
      }
      sum += v;
      sum2 += v * v;
      n++;
    }
  }
  if (n < 2) return 0;
  const mean = sum / n;
  const sd = Math.sqrt(Math.max(1e-12, sum2 / n - mean * mean));
  return (peak - mean) / sd;
}
