// Which detection a click selects (control-spec.md "Smart mode and
// click-to-track"): inside one or more boxes → the smallest; else the box
// whose edge is nearest, within min(0.025 × shorter frame side, 64 px),
// refused as ambiguous when the second-nearest edge is within
// max(1 px, 0.15 × that tolerance) of it; detections up to 0.75 s old count
// (tentative when not from the newest pass); refused while following.

import type { Detection } from './types.js';

export interface TimedDetection {
  detection: Detection;
  /** Capture time of the frame it was found in, s. */
  t: number;
}

export interface SelectOptions {
  width: number;
  height: number;
  /** Capture time of the newest frame, s. */
  now: number;
  following: boolean;
  /** Oldest usable detection, s (spec: 0.75). */
  maxAgeS?: number;
}

export type SelectRule = 'inside' | 'nearest_edge';
export type RefuseReason = 'following' | 'invalid_click' | 'no_detection' | 'nothing_near' | 'ambiguous';

export type ClickSelection =
  | { status: 'selected'; rule: SelectRule; index: number; detection: Detection; distance_px: number; tentative: boolean }
  | { status: 'refused'; reason: RefuseReason; message: string; candidates: number[] };

/** Tolerance for the nearest-edge rule, px. */
export const edgeTolerance = (width: number, height: number): number => Math.min(0.025 * Math.min(width, height), 64);

/** Distance from (x, y) to the box (0 inside). */
export function distanceToBox(x: number, y: number, b: readonly number[]): number {
  const dx = Math.max(b[0] - x, 0, x - (b[0] + b[2]));
  const dy = Math.max(b[1] - y, 0, y - (b[1] + b[3]));
  return Math.hypot(dx, dy);
}

/**
 * Click position in pixels from a request's values: all within [0, 1] →
 * normalised with a top-left origin (api-contract.md), else pixels.
 */
export function clickToPixels(x: number, y: number, width: number, height: number): { x: number; y: number } {
  if (x >= 0 && x <= 1 && y >= 0 && y <= 1) return { x: x * width, y: y * height };
  return { x, y };
}

export function selectClick(x: number, y: number, items: readonly TimedDetection[], o: SelectOptions): ClickSelection {
  const refuse = (reason: RefuseReason, message: string, candidates: number[] = []): ClickSelection => (
    { status: 'refused', reason, message, candidates });
  if (o.following) return refuse('following', 'click refused: following is active (stop following to select another target)');
  if (!(Number.isFinite(x) && Number.isFinite(y)) || x < 0 || y < 0 || x >= o.width || y >= o.height) {
    return refuse('invalid_click', `click (${x}, ${y}) is outside the ${o.width}x${o.height} frame`);
  }
  const maxAge = o.maxAgeS ?? 0.75;
  let newest = -Infinity;
  for (const it of items) if (o.now - it.t <= maxAge && it.t > newest) newest = it.t;
  const fresh = (it: TimedDetection): boolean => o.now - it.t <= maxAge && o.now - it.t >= -1e-9;
  // Inside: the smallest containing box.
  let best = -1;
  let bestArea = Infinity;
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (!fresh(it)) continue;
    const b = it.detection.bbox;
    const area = b[2] * b[3];
    // Equal areas: the newer detection (the same object seen again is not tentative).
    if (x >= b[0] && x <= b[0] + b[2] && y >= b[1] && y <= b[1] + b[3] && (area < bestArea || (area === bestArea && it.t > items[best].t))) {
      best = i;
      bestArea = area;
    }
  }
  if (best >= 0) {
    return { status: 'selected', rule: 'inside', index: best, detection: items[best].detection, distance_px: 0, tentative: items[best].t < newest };
  }
  // Nearest edge within tolerance, unless the runner-up is about as near.
  const tol = edgeTolerance(o.width, o.height);
  let d1 = Infinity;
  let d2 = Infinity;
  let i1 = -1;
  let i2 = -1;
  let any = false;
  for (let i = 0; i < items.length; i++) {
    if (!fresh(items[i])) continue;
    any = true;
    const d = distanceToBox(x, y, items[i].detection.bbox);
    if (d < d1) {
      d2 = d1; i2 = i1;
      d1 = d; i1 = i;
    } else if (d < d2) {
      d2 = d; i2 = i;
    }
  }
  if (!any) return refuse('no_detection', `no detection from the last ${maxAge} s to select`);
  if (d1 > tol) return refuse('nothing_near', `no detection within ${tol.toFixed(1)} px of the click (nearest ${d1.toFixed(1)} px)`);
  const margin = Math.max(1, 0.15 * tol);
  if (i2 >= 0 && d2 - d1 <= margin) {
    const msg = `ambiguous click: two detections ${d1.toFixed(1)} and ${d2.toFixed(1)} px away (within ${margin.toFixed(1)} px of each other)`;
    return refuse('ambiguous', msg, [i1, i2]);
  }
  return { status: 'selected', rule: 'nearest_edge', index: i1, detection: items[i1].detection, distance_px: d1, tentative: items[i1].t < newest };
}
