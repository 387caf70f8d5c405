// The figure of merit for following: how far the tracked target's
// TRUE box (the synthetic camera's ground truth, not the tracker's box) is
// from the image centre, normalized by half the frame per axis:
//   max norm:  max(|cx − W/2| / (W/2), |cy − H/2| / (H/2))   (the target line)
//   Euclidean: hypot of the same two, for comparison.
// A frame where the target is out of view counts as an error of Infinity
// (it is not within any bound); a frame the sampler missed is left out and
// counted.

export interface TruthBox {
  frame_id: number;
  /** Capture time, s since the epoch. */
  timestamp: number;
  /** Pixels [x, y, w, h], clipped to the frame by the camera. */
  bbox: [number, number, number, number];
  visible: boolean;
}

export interface ErrorSummary {
  /** Frame ids in the window. */
  frames: number;
  /** Of those, frames whose ground truth the sampler did not get (left out of everything below). */
  missing: number;
  /** Frames with the target out of view (error Infinity). */
  out_of_view: number;
  /** Frames whose true box touches the frame edge (clipped: its centre is pulled inwards, the error understated). */
  clipped: number;
  /** % of sampled frames with the max-norm error ≤ the bound. */
  within_pct: number;
  /** % of sampled frames with the Euclidean error ≤ the bound. */
  within_euclid_pct: number;
  median: number;
  p95: number;
  max: number;
  median_euclid: number;
  p95_euclid: number;
  /** Mean true box size, px (what a normalized error means in pixels). */
  box_w_px: number;
  box_h_px: number;
}

export function centreError(b: readonly number[], width: number, height: number): { max: number; euclid: number } {
  const ex = Math.abs(b[0] + b[2] / 2 - width / 2) / (width / 2);
  const ey = Math.abs(b[1] + b[3] / 2 - height / 2) / (height / 2);
  return { max: Math.max(ex, ey), euclid: Math.hypot(ex, ey) };
}

/** The q-quantile (nearest rank) of xs; NaN for none. */
export function quantile(xs: readonly number[], q: number): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/** Frames `first`..`last` (ids) of `truth`, judged against `bound`. */
export function summarizeErrors(
  truth: ReadonlyMap<number, TruthBox>, first: number, last: number, width: number, height: number, bound = 0.15,
): ErrorSummary {
  const maxes: number[] = [];
  const euclids: number[] = [];
  let missing = 0;
  let outOfView = 0;
  let clipped = 0;
  let w = 0;
  let h = 0;
  for (let id = first; id <= last; id++) {
    const t = truth.get(id);
    if (!t) { missing++; continue; }
    if (!t.visible || t.bbox[2] <= 0 || t.bbox[3] <= 0) {
      outOfView++;
      maxes.push(Infinity);
      euclids.push(Infinity);
      continue;
    }
    const b = t.bbox;
    if (b[0] <= 0 || b[1] <= 0 || b[0] + b[2] >= width || b[1] + b[3] >= height) clipped++;
    const e = centreError(b, width, height);
    maxes.push(e.max);
    euclids.push(e.euclid);
    w += b[2];
    h += b[3];
  }
  const n = maxes.length;
  const seen = n - outOfView;
  const pct = (xs: number[]) => (n ? (100 * xs.filter((x) => x <= bound).length) / n : Number.NaN);
  return {
    frames: Math.max(0, last - first + 1), missing, out_of_view: outOfView, clipped,
    within_pct: pct(maxes), within_euclid_pct: pct(euclids),
    median: quantile(maxes, 0.5), p95: quantile(maxes, 0.95), max: n ? Math.max(...maxes) : Number.NaN,
    median_euclid: quantile(euclids, 0.5), p95_euclid: quantile(euclids, 0.95),
    box_w_px: seen ? w / seen : Number.NaN, box_h_px: seen ? h / seen : Number.NaN,
  };
}

/**
 * The true box centre of every frame `first`..`last` for the JSON, so any
 * other error measure can be computed later: "cx,cy" in px rounded to 0.1,
 * space-separated, "-" for a frame with the target out of view, "?" for one
 * not sampled. A string, not an array: the report's JSON is indented, and
 * 900 frames as nested arrays would be thousands of lines per run.
 */
export function centreSeries(truth: ReadonlyMap<number, TruthBox>, first: number, last: number): string {
  const out: string[] = [];
  const r = (v: number) => String(Math.round(v * 10) / 10);
  for (let id = first; id <= last; id++) {
    const t = truth.get(id);
    if (!t) out.push('?');
    else if (!t.visible || t.bbox[2] <= 0 || t.bbox[3] <= 0) out.push('-');
    else out.push(`${r(t.bbox[0] + t.bbox[2] / 2)},${r(t.bbox[1] + t.bbox[3] / 2)}`);
  }
  return out.join(' ');
}
