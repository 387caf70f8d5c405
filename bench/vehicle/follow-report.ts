// The follow bench's report: per run the centre error of the true box, what
// the loop did meanwhile (tracker IoU, command at a limit, setpoint rate,
// limit violations), the first zero setpoint after a target loss and after
// stop_tracking, and the targets checked on this run's figures.

import type { FollowConfig, FollowRun } from './follow-session.js';
import type { ZeroTrial } from './zero-latency.js';
import { quantile } from './centre-error.js';

export interface FollowBench {
  started: string;
  quick: boolean;
  window_s: number;
  settle_s: number;
  machine: { cpu: string; cores: number; node: string; loadavg_start: number[] };
  configs: FollowConfig[];
  runs: FollowRun[];
  notes: string[];
  targets: TargetCheck[];
}

export interface TargetCheck {
  what: string;
  target: string;
  measured: string;
  /** null: for reference (not the configuration). */
  met: boolean | null;
}

const BOUND = 0.15;
const WANT_PCT = 90;
const RATE_HZ = 20;
const RATE_TOLERANCE_HZ = 2;
const ZERO_MS = 100;

const f = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : v === Infinity ? '∞' : '–');

/** p50 / p95 / max of the trials that saw a zero, and how many did not. */
function zeroStats(ts: ZeroTrial[]): { n: number; none: number; p50: number; p95: number; max: number; notMoving: number } {
  const ms = ts.filter((t) => t.zero_ms !== null).map((t) => t.zero_ms!);
  return {
    n: ts.length, none: ts.length - ms.length, p50: quantile(ms, 0.5), p95: quantile(ms, 0.95),
    max: ms.length ? Math.max(...ms) : Number.NaN,
    notMoving: ts.filter((t) => !t.moving).length,
  };
}

function zeroText(ts: ZeroTrial[]): string {
  const z = zeroStats(ts);
  if (!z.n) return 'not measured';
  const none = z.none ? `, ${z.none} without a zero within 1 s` : '';
  const still = z.notMoving ? `, ${z.notMoving} not moving before` : '';
  return `${f(z.p50)} / ${f(z.p95)} / ${f(z.max)} ms (${z.n} trials${none}${still})`;
}

export function checkTargets(runs: FollowRun[]): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const r of runs) {
    const w = r.window;
    const judged = r.config === 'default';
    out.push({
      what: `follow with video, ${r.target}, ${r.config} limits (${r.limits.max_velocity_m_s}/${r.limits.max_total_velocity_m_s} m/s): frames with the true-box centre error ≤ ${BOUND}`,
      target: `≥ ${WANT_PCT} % over ${w.seconds} s`,
      measured: `${f(w.within_pct)} % of ${w.frames - w.missing} frames (median ${f(w.median, 3)}, p95 ${f(w.p95, 3)}; Euclidean ${f(w.within_euclid_pct)} %)`,
      met: judged ? w.within_pct >= WANT_PCT : null,
    });
  }
  if (!runs.length) return out;
  const rates = runs.map((r) => r.setpoints);
  const lo = Math.min(...rates.map((s) => s.rate_min_hz));
  const hi = Math.max(...rates.map((s) => s.rate_max_hz));
  out.push({
    what: 'follow with video: setpoint rate at the vehicle (2 s rolling rate, sampled each second in every window)',
    target: `${RATE_HZ} ± ${RATE_TOLERANCE_HZ} Hz`,
    measured: `${f(lo, 2)}–${f(hi, 2)} Hz; window means ${rates.map((s) => f(s.rate_mean_hz, 2)).join(', ')} Hz`,
    met: lo >= RATE_HZ - RATE_TOLERANCE_HZ && hi <= RATE_HZ + RATE_TOLERANCE_HZ,
  });
  const checked = runs.reduce((s, r) => s + r.vehicle.checked, 0);
  const violations = runs.reduce((s, r) => s + r.vehicle.violations, 0);
  out.push({
    what: 'follow with video: setpoints beyond a configured limit (every packet judged by the vehicle, all runs)',
    target: '= 0', measured: `${violations} of ${checked}`, met: violations === 0 && checked > 0,
  });
  for (const [kind, label] of [['target_loss', 'a target loss (corrupt_tracker drill)'], ['stop_tracking', 'stop_tracking']] as const) {
    const ts = runs.flatMap((r) => (kind === 'stop_tracking' ? r.stop : r.loss));
    const z = zeroStats(ts);
    out.push({
      what: `follow with video: first zero setpoint at the vehicle after ${label}, request sent → received (p50 / p95 / max, all runs)`,
      target: `≤ ${ZERO_MS} ms`, measured: zeroText(ts),
      met: z.n > 0 && z.none === 0 && z.max <= ZERO_MS,
    });
  }
  return out;
}

export function markdown(b: FollowBench): string {
  const L: string[] = [];
  L.push(`Follow bench ${b.started}${b.quick ? ' (quick: a smoke check, not the measurement)' : ''}: ${b.machine.cpu}, ${b.machine.cores} cores, Node ${b.machine.node}, `
    + `load average at start ${b.machine.loadavg_start.map((x) => x.toFixed(2)).join(' ')}.`, '');
  L.push('The real server on the default scene (aerial, 640x480@30) with the simulated vehicle (`vehicle.connection: sim`), one fresh server per run: '
    + `start_tracking on the target's true box, start_offboard_mode, ${b.settle_s} s to settle, then a ${b.window_s} s window in which the ground truth of `
    + 'every frame is read back (GET /api/sim/targets?frame_id=N for each consecutive id, polled every 200 ms) and the TRUE box\'s centre error taken: '
    + 'max(|cx − W/2|/(W/2), |cy − H/2|/(H/2)), Euclidean beside it; out of view counts as ∞. Configurations:', '');
  for (const c of b.configs) L.push(`- ${c.name}: ${c.note}`);
  L.push('');
  L.push('| config | target | frames (camera fps) | ≤ 0.15 | Euclidean ≤ 0.15 | median / p95 / max | out of view / clipped / missing | true box px | load avg |');
  L.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of b.runs) {
    const w = r.window;
    L.push(`| ${r.config} | ${r.target} | ${w.frames - w.missing} (${f(w.camera_fps)}) | ${f(w.within_pct)} % | ${f(w.within_euclid_pct)} % | `
      + `${f(w.median, 3)} / ${f(w.p95, 3)} / ${f(w.max, 3)} | ${w.out_of_view} / ${w.clipped} / ${w.missing} | ${f(w.box_w_px, 0)}x${f(w.box_h_px, 0)} | ${f(r.loadavg_start, 2)} |`);
  }
  L.push('');
  L.push('The loop meanwhile (tracker and follower sampled at 5 Hz; the vehicle\'s own 2 s setpoint rate each second):', '');
  L.push('| config | target | tracker IoU with the true box mean (min) | usable | command at a limit | mean commanded speed m/s | follower losses | setpoints Hz min / mean / max | max gap in OFFBOARD ms (since OFFBOARD began) | limit violations / setpoints judged (whole run) |');
  L.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of b.runs) {
    const t = r.tracker;
    const s = r.setpoints;
    L.push(`| ${r.config} | ${r.target} | ${f(t.iou_mean, 3)} (${f(t.iou_min, 3)}) | ${f(t.usable_pct, 0)} % | ${f(r.follower.saturated_pct, 0)} % | ${f(r.follower.speed_mean_m_s, 2)} | `
      + `${r.follower.losses} | ${f(s.rate_min_hz, 2)} / ${f(s.rate_mean_hz, 2)} / ${f(s.rate_max_hz, 2)} | ${f(s.max_gap_in_offboard_ms, 1)} | ${r.vehicle.violations} / ${r.vehicle.checked} |`);
  }
  L.push('');
  L.push('First zero setpoint at the vehicle, from the epoch time the request was sent (bench process) to the vehicle\'s journal entry `zero_after_motion` '
    + '(simulated vehicle process, same clock formula): includes the HTTP request. Target loss: POST /api/sim/faults corrupt_tracker for 0.3 s while '
    + 'following (the next tracker samples are unusable; it follows again afterwards); stop_tracking: following restarted between trials.', '');
  L.push('| config | target | after a target loss p50 / p95 / max | after stop_tracking p50 / p95 / max | stop_tracking HTTP round trip median |');
  L.push('|---|---|---:|---:|---:|');
  for (const r of b.runs) {
    L.push(`| ${r.config} | ${r.target} | ${zeroText(r.loss)} | ${zeroText(r.stop)} | ${f(quantile(r.stop.map((x) => x.http_ms), 0.5))} ms |`);
  }
  L.push('');
  L.push('### Issue targets, this run', '');
  L.push('| target | wanted | measured | met |', '|---|---|---|---|');
  for (const t of b.targets) L.push(`| ${t.what} | ${t.target} | ${t.measured} | ${t.met === null ? 'reference' : t.met ? 'yes' : '**no**'} |`);
  if (b.notes.length) {
    L.push('');
    for (const n of b.notes) L.push(`- ${n}`);
  }
  return L.join('\n') + '\n';
}

/** The targets as rows of `npm run bench`'s target table (bench/report.ts TargetRow, structurally). */
export function followTargets(b: FollowBench): { target: string; measured: string; met: boolean | null; note: string }[] {
  return b.targets.map((t) => ({ target: `${t.what}: ${t.target}`, measured: t.measured, met: t.met, note: 'follow' }));
}
