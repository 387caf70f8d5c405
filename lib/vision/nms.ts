// Non-maximum suppression per class (as YOLO's default): highest score
// first, dropping boxes of the same class overlapping a kept one by more
// than the IoU threshold, up to a maximum count.

import type { Detection } from './types.js';

/** Intersection over union of two [x, y, w, h] boxes (0 when either is empty). */
export function iou(a: readonly number[], b: readonly number[]): number {
  const x0 = Math.max(a[0], b[0]);
  const y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]);
  const y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const i = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const u = a[2] * a[3] + b[2] * b[3] - i;
  return u > 0 ? i / u : 0;
}

export function nms(candidates: Detection[], iouThreshold: number, max: number): Detection[] {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const c of sorted) {
    if (kept.length >= max) break;
    if (kept.some((k) => k.class_id === c.class_id && iou(k.bbox, c.bbox) > iouThreshold)) continue;
    kept.push(c);
  }
  return kept;
}
