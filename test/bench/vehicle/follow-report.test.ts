import t from 'tap';
import { centreError, centreSeries, quantile, summarizeErrors, type TruthBox } from '../../../bench/vehicle/centre-error.js';
import { checkTargets, followTargets, markdown, type FollowBench } from '../../../bench/vehicle/follow-report.js';
import type { FollowRun } from '../../../bench/vehicle/follow-session.js';
import type { ZeroTrial } from '../../../bench/vehicle/zero-latency.js';

const W = 640;
const H = 480;
/** A 20x20 box whose centre is at normalized (ex, ey) from the image centre. */
const box = (ex: number, ey: number): [number, number, number, number] => [W / 2 + ex * (W / 2) - 10, H / 2 + ey * (H / 2) - 10, 20, 20];
const frame = (id: number, b: [number, number, number, number], visible = true): TruthBox => ({ frame_id: id, timestamp: id / 30, bbox: b, visible });

t.test('centre error: max norm per half-frame and the Euclidean variant', async (t) => {
  const e = centreError(box(0.1, -0.12), W, H);
  t.ok(Math.abs(e.max - 0.12) < 1e-9, `max ${e.max}`);
  t.ok(Math.abs(e.euclid - Math.hypot(0.1, 0.12)) < 1e-9, `euclid ${e.euclid}`);
  t.equal(centreError(box(0, 0), W, H).max, 0);
  t.equal(quantile([5, 1, 4, 2, 3], 0.5), 3);
  t.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95), 10, 'nearest rank');
  t.ok(Number.isNaN(quantile([], 0.5)));
});

t.test('window summary: out of view is ∞, missing frames are left out and counted, clipped boxes flagged', async (t) => {
  const m = new Map<number, TruthBox>([
    [10, frame(10, box(0, 0))],
    [11, frame(11, box(0.1, 0.12))], // max 0.12: within; Euclidean 0.156: not
    [12, frame(12, [0, 0, 0, 0], false)], // out of view
    // 13 missing
    [14, frame(14, [0, 200, 30, 30])], // touches the left edge, error 0.95
    [15, frame(15, box(-0.05, 0.02))],
  ]);
  const s = summarizeErrors(m, 10, 15, W, H);
  t.equal(s.frames, 6);
  t.equal(s.missing, 1);
  t.equal(s.out_of_view, 1);
  t.equal(s.clipped, 1);
  t.equal(s.within_pct, 60, '3 of the 5 sampled frames');
  t.equal(s.within_euclid_pct, 40, '2 of 5: the (0.1, 0.12) frame is beyond 0.15 by Euclid');
  t.equal(s.max, Infinity);
  t.ok(Math.abs(s.median - 0.12) < 1e-9, `median ${s.median}`);
  t.equal(s.box_w_px, (20 + 20 + 30 + 20) / 4, 'mean size over visible frames');
  t.equal(centreSeries(m, 10, 15), '320,240 352,268.8 - ? 15,215 304,244.8', 'centres for the JSON: - out of view, ? not sampled');
});

function trial(kind: ZeroTrial['kind'], zero: number | null): ZeroTrial {
  return { kind, moving: true, http_ms: 2, zero_ms: zero };
}

function run(over: Partial<FollowRun> & { within?: number } = {}): FollowRun {
  const { within = 95, ...rest } = over;
  return {
    config: 'default', config_note: 'as shipped', limits: { max_velocity_m_s: 0.5, max_total_velocity_m_s: 1 }, target: 'person', target_id: 2,
    loadavg_start: 1, offboard_start_ms: 1600, settle_s: 3,
    window: {
      frames: 900, missing: 0, out_of_view: 0, clipped: 0, within_pct: within, within_euclid_pct: within - 10, median: 0.05, p95: 0.14, max: 0.2,
      median_euclid: 0.06, p95_euclid: 0.17, box_w_px: 16, box_h_px: 16, seconds: 30, first_frame: 100, last_frame: 999, camera_fps: 30,
      width: 640, height: 480, centre_px: '',
    },
    tracker: { samples: 150, matched: 150, usable_pct: 100, iou_mean: 0.95, iou_min: 0.8, iou_50_pct: 100 },
    follower: { samples: 150, saturated_pct: 10, speed_mean_m_s: 0.4, not_tracking_pct: 0, losses: 0 },
    setpoints: { samples: 30, rate_min_hz: 19.8, rate_max_hz: 20.2, rate_mean_hz: 20, modes: ['Offboard'], max_gap_in_offboard_ms: 60 },
    vehicle: { checked: 1200, violations: 0, by_kind: {}, first: [], ground_contacts: 0 },
    loss: [trial('target_loss', 30), trial('target_loss', 40)], stop: [trial('stop_tracking', 5), trial('stop_tracking', 12)],
    server_exit: 0, notes: [], ...rest,
  };
}

const byWhat = (rows: ReturnType<typeof checkTargets>, re: RegExp) => rows.filter((r) => re.test(r.what));

t.test('targets: the default configuration is judged, the relaxed one is for reference', async (t) => {
  const rows = checkTargets([run({ within: 95 }), run({ target: 'car', within: 40 }), run({ config: 'relaxed', within: 99 })]);
  const centre = byWhat(rows, /centre error/);
  t.same(centre.map((r) => r.met), [true, false, null]);
  t.match(centre[1].measured, /^40\.0 % of 900 frames/);
  t.equal(byWhat(rows, /setpoint rate/)[0].met, true);
  t.equal(byWhat(rows, /beyond a configured limit/)[0].measured, '0 of 3600');
  t.equal(byWhat(rows, /after stop_tracking/)[0].met, true);
  t.equal(byWhat(rows, /after a target loss/)[0].met, true);
});

t.test('targets: a slow zero, a missing zero, a violation or a rate outside 20 ± 2 Hz is not met', async (t) => {
  const slow = checkTargets([run({ stop: [trial('stop_tracking', 5), trial('stop_tracking', 101)] })]);
  t.equal(byWhat(slow, /after stop_tracking/)[0].met, false, 'one trial over 100 ms');
  const none = checkTargets([run({ loss: [trial('target_loss', 20), trial('target_loss', null)] })]);
  t.equal(byWhat(none, /after a target loss/)[0].met, false, 'a loss with no zero at all');
  t.match(byWhat(none, /after a target loss/)[0].measured, /1 without a zero/);
  const noTrials = checkTargets([run({ loss: [] })]);
  t.equal(byWhat(noTrials, /after a target loss/)[0].met, false, 'not measured is not met');
  const viol = checkTargets([run({ vehicle: { checked: 10, violations: 1, by_kind: { velocity_x: 1 }, first: ['velocity_x: vx 0.6 > 0.5'], ground_contacts: 0 } })]);
  t.equal(byWhat(viol, /beyond a configured limit/)[0].met, false);
  const rate = checkTargets([run(), run({ setpoints: { samples: 30, rate_min_hz: 16.5, rate_max_hz: 20.3, rate_mean_hz: 19.4, modes: ['Offboard'], max_gap_in_offboard_ms: 270 } })]);
  t.equal(byWhat(rate, /setpoint rate/)[0].met, false);
  t.match(byWhat(rate, /setpoint rate/)[0].measured, /^16\.50–20\.30 Hz/);
});

t.test('report: tables, reference rows and the bench-wide target rows', async (t) => {
  const runs = [run({ within: 50 }), run({ config: 'relaxed' })];
  const b: FollowBench = {
    started: '2026-11-28T00:00:00.000Z', quick: false, window_s: 30, settle_s: 3,
    machine: { cpu: 'test', cores: 2, node: 'v20', loadavg_start: [1, 1, 1] },
    configs: [{ name: 'default', note: 'as shipped', safety: null }, { name: 'relaxed', note: 'faster', safety: { max_velocity_m_s: 4, max_total_velocity_m_s: 5 } }],
    runs, notes: ['a note'], targets: checkTargets(runs),
  };
  const md = markdown(b);
  t.match(md, /\| default \| person \| 900 \(30\.0\) \| 50\.0 % \|/);
  t.match(md, /\| \*\*no\*\* \|/);
  t.match(md, /\| reference \|/);
  t.match(md, /- a note/);
  t.notMatch(md, /NaN|undefined/);
  const rows = followTargets(b);
  t.equal(rows.length, b.targets.length);
  t.ok(rows.every((r) => r.note === 'follow'));
  t.match(rows.find((r) => /after stop_tracking/.test(r.target))!.target, /\): ≤ 100 ms$/);
});
