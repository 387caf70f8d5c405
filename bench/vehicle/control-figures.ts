// Figures from the window's control samples (bench/vehicle/control-sampler.ts):
// did the tracker stay on the target (IoU of its box with the true box of the
// same frame), how often the follower's command sat at a limit (the limit,
// not the control law, bounding the error), and the setpoint rate the
// vehicle saw.

import type { ControlSampler } from './control-sampler.js';
import type { TruthBox } from './centre-error.js';
import { iou } from '../tracking/score.js';

export interface TrackerFigures {
  samples: number;
  /** Samples whose frame's ground truth was at hand (the IoU is over these). */
  matched: number;
  usable_pct: number;
  iou_mean: number;
  iou_min: number;
  iou_50_pct: number;
}

export interface FollowerFigures {
  samples: number;
  /** % of samples with the command at a limit: an axis at max_velocity_m_s or the vector at max_total_velocity_m_s. */
  saturated_pct: number;
  /** Mean commanded horizontal speed, m/s. */
  speed_mean_m_s: number;
  /** % of samples not in the tracking phase (lost, holding). */
  not_tracking_pct: number;
  /** Target losses the follower counted during the window. */
  losses: number;
}

export interface SetpointFigures {
  /** 1 s samples of the vehicle's 2 s rolling rate. */
  samples: number;
  rate_min_hz: number;
  rate_max_hz: number;
  /** Setpoints received over the window ÷ its length (server clock). */
  rate_mean_hz: number;
  /** Flight modes the vehicle reported during the window. */
  modes: string[];
  /** Largest gap between two setpoints in OFFBOARD since the vehicle started (its own figure). */
  max_gap_in_offboard_ms: number;
}

/** A command this close to a limit counts as at it (the limits clamp to the float32 value). */
const AT_LIMIT = 0.995;

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : Number.NaN);
const pct = (n: number, of: number) => (of ? (100 * n) / of : Number.NaN);

export function describeControl(
  c: Pick<ControlSampler, 'tracker' | 'follower' | 'rates'>, truth: ReadonlyMap<number, TruthBox>,
  limits: { max_velocity_m_s: number; max_total_velocity_m_s: number },
): { tracker: TrackerFigures; follower: FollowerFigures; setpoints: SetpointFigures } {
  const ious: number[] = [];
  for (const t of c.tracker) {
    const g = truth.get(t.frame_id);
    if (g && t.bbox) ious.push(g.visible ? iou(t.bbox, g.bbox) : 0);
  }
  const f = c.follower;
  const atLimit = f.filter((x) => Math.max(Math.abs(x.fwd), Math.abs(x.right)) >= AT_LIMIT * limits.max_velocity_m_s
    || Math.hypot(x.fwd, x.right, x.down) >= AT_LIMIT * limits.max_total_velocity_m_s).length;
  const r = c.rates;
  const span = r.length > 1 ? r[r.length - 1].t - r[0].t : 0;
  return {
    tracker: {
      samples: c.tracker.length, matched: ious.length, usable_pct: pct(c.tracker.filter((t) => t.usable).length, c.tracker.length),
      iou_mean: mean(ious), iou_min: ious.length ? Math.min(...ious) : Number.NaN,
      iou_50_pct: pct(ious.filter((x) => x >= 0.5).length, ious.length),
    },
    follower: {
      samples: f.length, saturated_pct: pct(atLimit, f.length), speed_mean_m_s: mean(f.map((x) => Math.hypot(x.fwd, x.right))),
      not_tracking_pct: pct(f.filter((x) => x.phase !== 'tracking').length, f.length),
      losses: f.length ? f[f.length - 1].losses - f[0].losses : 0,
    },
    setpoints: {
      samples: r.length, rate_min_hz: r.length ? Math.min(...r.map((x) => x.rate_hz)) : Number.NaN,
      rate_max_hz: r.length ? Math.max(...r.map((x) => x.rate_hz)) : Number.NaN,
      rate_mean_hz: span > 0 ? (r[r.length - 1].received - r[0].received) / span : Number.NaN,
      modes: [...new Set(r.map((x) => x.mode))], max_gap_in_offboard_ms: Number.NaN,
    },
  };
}
