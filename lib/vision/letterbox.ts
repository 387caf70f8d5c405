// YOLO-style letterbox: the frame scaled to fit a square model input with
// its aspect ratio kept, centred on grey (114) padding, as a planar CHW
// float tensor in 0..1. The mapping back to frame pixels is kept with it.

import type { RgbFrame } from './types.js';

export interface LetterboxMap {
  /** Model input side. */
  size: number;
  /** Frame → input scale and the padding added left/top. */
  scale: number;
  padX: number;
  padY: number;
}

const PAD = 114 / 255;

/**
 * Fills `out` (3 × size × size) with the letterboxed frame (bilinear) and
 * `map` with the transform. Allocates nothing.
 */
export function letterbox(frame: RgbFrame, size: number, out: Float32Array, map: LetterboxMap): void {
  const { width: W, height: H, data } = frame;
  if (out.length < 3 * size * size) throw new RangeError(`letterbox buffer holds ${out.length} values, needs ${3 * size * size}`);
  const scale = Math.min(size / W, size / H);
  const nw = Math.round(W * scale);
  const nh = Math.round(H * scale);
  const padX = Math.floor((size - nw) / 2);
  const padY = Math.floor((size - nh) / 2);
  map.size = size;
  map.scale = scale;
  map.padX = padX;
  map.padY = padY;
  const plane = size * size;
  out.fill(PAD, 0, 3 * plane);
  const inv = 1 / scale;
  for (let y = 0; y < nh; y++) {
    let fy = (y + 0.5) * inv - 0.5;
    fy = fy < 0 ? 0 : fy > H - 1 ? H - 1 : fy;
    const y0 = Math.floor(fy);
    const y1 = Math.min(H - 1, y0 + 1);
    const ay = fy - y0;
    const row = (y + padY) * size + padX;
    for (let x = 0; x < nw; x++) {
      let fx = (x + 0.5) * inv - 0.5;
      fx = fx < 0 ? 0 : fx > W - 1 ? W - 1 : fx;
      const x0 = Math.floor(fx);
      const x1 = Math.min(W - 1, x0 + 1);
      const ax = fx - x0;
      const a = (y0 * W + x0) * 3;
      const b = (y0 * W + x1) * 3;
      const c = (y1 * W + x0) * 3;
      const d = (y1 * W + x1) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = data[a + ch] + (data[b + ch] - data[a + ch]) * ax;
        const bot = data[c + ch] + (data[d + ch] - data[c + ch]) * ax;
        out[ch * plane + row + x] = (top + (bot - top) * ay) / 255;
      }
    }
  }
}

/** A box in model-input pixels (centre, size) back to frame pixels [x, y, w, h], clipped to the frame. */
export function unletterbox(
  cx: number, cy: number, w: number, h: number, map: LetterboxMap, width: number, height: number,
): [number, number, number, number] {
  const x0 = Math.max(0, (cx - w / 2 - map.padX) / map.scale);
  const y0 = Math.max(0, (cy - h / 2 - map.padY) / map.scale);
  const x1 = Math.min(width, (cx + w / 2 - map.padX) / map.scale);
  const y1 = Math.min(height, (cy + h / 2 - map.padY) / map.scale);
  return [x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)];
}
