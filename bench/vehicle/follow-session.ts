// One run of the follow bench: the real server (bench/server-process.ts) on
// the default synthetic scene (aerial) with the simulated vehicle, one
// target, one configuration. Picks the target from /api/sim/targets,
// start_tracking on its true box, start_offboard_mode, settles, then samples
// the ground truth of every frame over the window (bench/vehicle/truth-
// sampler.ts) with the tracker, the follower and the vehicle's setpoint rate
// beside it; then target-loss drills and stop_tracking trials for the first
// zero setpoint; last, the vehicle's verdict on every setpoint it received.

import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { startServerProcess } from '../server-process.js';
import { FollowApi } from './follow-api.js';
import { centreSeries, summarizeErrors, type ErrorSummary, type TruthBox } from './centre-error.js';
import { newestTruth, TruthSampler } from './truth-sampler.js';
import { ControlSampler } from './control-sampler.js';
import { CORRUPT_S, followerMoving, zeroTrial, type ZeroTrial } from './zero-latency.js';
import { describeControl, type FollowerFigures, type SetpointFigures, type TrackerFigures } from './control-figures.js';

export type TargetClass = 'car' | 'person';

export interface FollowConfig {
  /** Short name in tables ('default', 'relaxed limits'). */
  name: string;
  /** Why this configuration is run. */
  note: string;
  /** Safety overrides; null: config/default.yaml as shipped. */
  safety: { max_velocity_m_s: number; max_total_velocity_m_s: number } | null;
}

export interface FollowRunOptions {
  config: FollowConfig;
  target: TargetClass;
  windowS: number;
  settleS: number;
  stopTrials: number;
  lossTrials: number;
  log: (line: string) => void;
}

export interface FollowRun {
  config: string;
  config_note: string;
  /** The limits the follower and the vehicle's referee used (from the server's config). */
  limits: { max_velocity_m_s: number; max_total_velocity_m_s: number };
  target: TargetClass;
  target_id: number;
  loadavg_start: number;
  /** start_offboard_mode answered after this long (1 s of zero setpoints, the mode switch, the HEARTBEAT showing it). */
  offboard_start_ms: number;
  settle_s: number;
  window: ErrorSummary & {
    seconds: number; first_frame: number; last_frame: number; camera_fps: number; width: number; height: number;
    /** The true box centre per frame id from first_frame (centre-error.ts centreSeries: "cx,cy" px, "-" out of view, "?" not sampled). */
    centre_px: string;
  };
  tracker: TrackerFigures;
  follower: FollowerFigures;
  setpoints: SetpointFigures;
  /** Judged by the simulated vehicle on every setpoint packet of the whole run (window, drills, trials). */
  vehicle: { checked: number; violations: number; by_kind: Record<string, number>; first: string[]; ground_contacts: number };
  loss: ZeroTrial[];
  stop: ZeroTrial[];
  server_exit: number | null;
  notes: string[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Between drills: the 0.3 s corruption is over and the follower is tracking and moving again. */
const BETWEEN_LOSSES_MS = 1500;
/** Following before each stop_tracking trial (after start_offboard_mode answered). */
const BEFORE_STOP_MS = 1500;

async function waitFor(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const end = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > end) throw new Error(`${what} within ${ms} ms`);
    await sleep(50);
  }
}

/** start_tracking on the target's newest true box, wait for the follower to have it, start_offboard_mode; returns its duration. */
async function engage(api: FollowApi, targetId: number): Promise<number> {
  const truth = await newestTruth(api);
  const t = truth.targets.find((x) => x.id === targetId);
  if (!t?.visible) throw new Error(`target ${targetId} is not in view (frame ${truth.frame_id})`);
  const [x, y, width, height] = t.bbox;
  await api.post('/commands/start_tracking', { x, y, width, height });
  // The follower gets the tracker's first output from its thread one frame later; start_offboard_mode refuses before.
  await waitFor('the follower got no usable tracker output', 3000,
    async () => (await api.get('/telemetry/follower_data')).loss_policy?.phase === 'tracking');
  const r = await api.post<{ status: string; details: { errors: string[] } }>('/commands/start_offboard_mode');
  if (r.body.status !== 'success') throw new Error(`start_offboard_mode: ${r.body.status}: ${r.body.details.errors.join('; ')}`);
  return r.answered_ms - r.sent_ms;
}

export async function runFollow(o: FollowRunOptions): Promise<FollowRun> {
  const token = randomBytes(24).toString('base64url');
  // Everything as shipped (aerial scene, vehicle.connection sim, auth on) except the drills being allowed and the limits under test.
  const config: Record<string, unknown> = { sim: { fault_injection: true }, ...(o.config.safety ? { safety: o.config.safety } : {}) };
  const loadavg = os.loadavg()[0];
  const server = await startServerProcess('uws', config, [], { ...process.env, SKYFEED_ADMIN_TOKEN: token });
  let run: FollowRun;
  try {
    run = await session(new FollowApi(server.port, token), o, loadavg);
  } catch (e) {
    await server.stop();
    throw new Error(`${(e as Error).message}\nserver output (tail):\n${server.output().slice(-2000)}`);
  }
  run.server_exit = await server.stop();
  if (run.server_exit !== 0) run.notes.push(`the server exited with ${run.server_exit} on SIGTERM`);
  return run;
}

async function session(api: FollowApi, o: FollowRunOptions, loadavg: number): Promise<FollowRun> {
  const notes: string[] = [];
  await waitFor('no link to the simulated vehicle or no video', 15000, async () => {
    // With no consumer the camera idles at 1 fps; the tracker wakes it to its full rate.
    const [v, s] = await Promise.all([api.get('/api/vehicle/status'), api.get('/status')]);
    return v.link?.connected === true && s.source?.frames > 0;
  });
  const status = await api.get('/status');
  const width: number = status.streaming.width;
  const height: number = status.streaming.height;
  const safety = (await api.get('/api/config/current/safety')).config;
  const limits = { max_velocity_m_s: safety.max_velocity_m_s, max_total_velocity_m_s: safety.max_total_velocity_m_s };

  const first = await newestTruth(api);
  const target = first.targets.find((x) => x.class_name === o.target);
  if (!target) throw new Error(`no ${o.target} in the scene's ground truth`);
  const truth = new TruthSampler(api, target.id);
  truth.start();
  const offboardMs = await engage(api, target.id);
  o.log(`${o.config.name}, ${o.target}: following (start_offboard_mode ${offboardMs.toFixed(0)} ms); settling ${o.settleS} s`);
  await sleep(o.settleS * 1000);

  const control = new ControlSampler(api);
  control.start();
  const firstFrame = await truth.mark();
  await sleep(o.windowS * 1000);
  const lastFrame = await truth.mark();
  const simAtEnd = await api.get('/api/sim/vehicle');
  await control.stop();
  await truth.stop();
  const errors = summarizeErrors(truth.frames, firstFrame, lastFrame, width, height);
  const camFps = cameraFps(truth.frames, firstFrame, lastFrame);
  const figures = describeControl(control, truth.frames, limits);
  o.log(`${o.config.name}, ${o.target}: ${errors.within_pct.toFixed(1)} % of ${errors.frames - errors.missing} frames ≤ 0.15 `
    + `(median ${errors.median.toFixed(3)}, p95 ${errors.p95.toFixed(3)}), `
    + `setpoints ${figures.setpoints.rate_mean_hz.toFixed(2)} Hz, command at a limit ${figures.follower.saturated_pct.toFixed(0)} % of samples`);
  if (errors.missing > 0.02 * errors.frames) notes.push(`${errors.missing} of ${errors.frames} frames' ground truth not sampled`);

  const loss: ZeroTrial[] = [];
  if (!(await followerMoving(api))) {
    notes.push('not following (or not moving) after the window: following was re-engaged for the drills');
    await api.post('/commands/stop_offboard_mode');
    await engage(api, target.id);
    await sleep(BEFORE_STOP_MS);
  }
  for (let k = 0; k < o.lossTrials; k++) {
    if (k) await sleep(BETWEEN_LOSSES_MS);
    loss.push(await zeroTrial(api, 'target_loss'));
  }
  const stop: ZeroTrial[] = [];
  for (let k = 0; k < o.stopTrials; k++) {
    if (k) {
      await api.post('/commands/stop_offboard_mode');
      try {
        await engage(api, target.id);
      } catch (e) {
        notes.push(`stop trial ${k + 1}: could not follow again: ${(e as Error).message}`);
        break;
      }
    }
    await sleep(k ? BEFORE_STOP_MS : CORRUPT_S * 1000 + BETWEEN_LOSSES_MS);
    stop.push(await zeroTrial(api, 'stop_tracking'));
  }
  await api.post('/commands/stop_offboard_mode');
  const fin = (await api.get('/api/sim/vehicle')).stats;
  const lim = fin.limits;
  const zeros = (xs: ZeroTrial[]) => xs.map((z) => (z.zero_ms === null ? 'none' : z.zero_ms.toFixed(1))).join(', ');
  o.log(`${o.config.name}, ${o.target}: first zero after a target loss ${zeros(loss)} ms; after stop_tracking ${zeros(stop)} ms; `
    + `${lim.violations} limit violations in ${lim.checked} setpoints`);
  return {
    config: o.config.name, config_note: o.config.note, limits, target: o.target, target_id: target.id, loadavg_start: loadavg,
    offboard_start_ms: offboardMs, settle_s: o.settleS,
    window: {
      ...errors, seconds: o.windowS, first_frame: firstFrame, last_frame: lastFrame, camera_fps: camFps, width, height,
      centre_px: centreSeries(truth.frames, firstFrame, lastFrame),
    },
    ...figures,
    setpoints: { ...figures.setpoints, max_gap_in_offboard_ms: simAtEnd.stats.setpoints.max_gap_in_offboard_ms },
    vehicle: {
      checked: lim.checked, violations: lim.violations, by_kind: lim.by_kind,
      first: lim.first.map((v: { kind: string; detail: string }) => `${v.kind}: ${v.detail}`), ground_contacts: fin.ground_contacts,
    },
    loss, stop, server_exit: null, notes,
  };
}

/** Frames per second the camera made over the window (ids over capture time). */
function cameraFps(frames: ReadonlyMap<number, TruthBox>, first: number, last: number): number {
  const a = frames.get(first);
  const b = frames.get(last);
  return a && b && b.timestamp > a.timestamp ? (last - first) / (b.timestamp - a.timestamp) : Number.NaN;
}
