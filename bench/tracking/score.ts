// Scores one tracker run against the ground truth, frame by frame.

import type { TargetTruth } from '../../lib/index.js';

/** What a tracker reported for one frame. */
export interface FrameResult {
  /** Box shown for the frame (pixels), null when none. */
  box: number[] | null;
  /** The tracker claims a measurement (ours: target_state measured; OpenCV: ok). */
  measured: boolean;
  /** Ours: usable_for_following; OpenCV has no such notion (equals measured). */
  usable: boolean;
  /** Time of the tracker call, ms (0 for the start frame). */
  ms: number;
}

export interface Score {
  frames: number;
  visible_frames: number;
  mean_iou: number;
  pct_iou_50: number;
  mean_center_err_px: number;
  /** Measured → not measured transitions, and back. */
  losses: number;
  recoveries: number;
  ms_median: number;
  ms_p95: number;
  hidden_frames: number;
  /** Share of hidden frames the output called usable (target: ≤ 20 %). */
  pct_usable_hidden: number | null;
  /** Mean IoU over the 50 frames after each occlusion (averaged over occlusions). */
  iou_after_occlusion: number | null;
  occlusions: number;
}

export function iou(a: readonly number[], b: readonly number[]): number {
  const x0 = Math.max(a[0], b[0]);
  const y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]);
  const y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const i = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const u = a[2] * a[3] + b[2] * b[3] - i;
  return u > 0 ? i / u : 0;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** Scores frames 1..n−1 (frame 0 is the start box). */
export function score(truth: TargetTruth[], results: FrameResult[]): Score {
  let n = 0;
  let sumIou = 0;
  let ok = 0;
  let sumErr = 0;
  let losses = 0;
  let recoveries = 0;
  let hidden = 0;
  let usableHidden = 0;
  let prevMeasured = true;
  const ms: number[] = [];
  const after: number[] = [];
  let occlusions = 0;
  let sinceEmerge = Infinity;
  let wasHidden = false;
  for (let i = 1; i < results.length; i++) {
    const r = results[i];
    const g = truth[i];
    ms.push(r.ms);
    if (prevMeasured && !r.measured) losses++;
    if (!prevMeasured && r.measured) recoveries++;
    prevMeasured = r.measured;
    if (!g.visible) {
      hidden++;
      if (r.usable) usableHidden++;
      wasHidden = true;
      continue;
    }
    if (wasHidden) {
      wasHidden = false;
      sinceEmerge = 0;
      occlusions++;
    }
    const v = r.box ? iou(r.box, g.bbox) : 0;
    n++;
    sumIou += v;
    if (v >= 0.5) ok++;
    sumErr += r.box ? Math.hypot(r.box[0] + r.box[2] / 2 - g.bbox[0] - g.bbox[2] / 2, r.box[1] + r.box[3] / 2 - g.bbox[1] - g.bbox[3] / 2)
      : Math.hypot(g.bbox[2], g.bbox[3]);
    if (sinceEmerge < 50) {
      after.push(v);
      sinceEmerge++;
    }
  }
  return {
    frames: results.length - 1,
    visible_frames: n,
    mean_iou: n ? sumIou / n : 0,
    pct_iou_50: n ? (100 * ok) / n : 0,
    mean_center_err_px: n ? sumErr / n : 0,
    losses,
    recoveries,
    ms_median: percentile(ms, 50),
    ms_p95: percentile(ms, 95),
    hidden_frames: hidden,
    pct_usable_hidden: hidden ? (100 * usableHidden) / hidden : null,
    iou_after_occlusion: after.length ? after.reduce((a, b) => a + b, 0) / after.length : null,
    occlusions,
  };
}
