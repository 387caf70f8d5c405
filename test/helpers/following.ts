// Shared steps of the end-to-end following tests (test/http/following*.ts):
// a server whose simulated vehicle runs as its own process on loopback UDP,
// the synthetic aerial camera rendering from the vehicle's pose, the person
// tracked from its true box, and the simulated vehicle's own view of what
// reached it. Short loss timers keep the drills fast.

import { deepMerge } from '../../lib/config/merge.js';
import { call } from './http.js';
import { startInProcess, type InProcessServer } from './in-process.js';
import type { Owner } from './child-server.js';
import { pause, waitFor } from './wait.js';

export type Box = [number, number, number, number];

export interface TruthTarget {
  id: number;
  class_name: string;
  bbox: Box;
  visible: boolean;
}

export interface Truth {
  frame_id: number;
  timestamp: number;
  targets: TruthTarget[];
}

export interface JournalEntry {
  at_ms: number;
  kind: string;
  [k: string]: unknown;
}

export interface SimView {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  stats: any;
  journal: JournalEntry[];
}

/** The loss timeline and link timeout FAST configures, s. */
export const HOLD_S = 0.5;
export const ACTION_AFTER_S = 1.5;
export const HEARTBEAT_TIMEOUT_S = 1.5;
/** Slack on top of a configured timeout: a loaded 2-core machine, 1 Hz HEARTBEATs, polling. */
export const MARGIN_S = 3;
/** Overrides that allow the fault drills (a file-only key). */
export const DRILLS = { sim: { fault_injection: true } };

/**
 * Short timers: the loss timeline in 0.5 s / 1.5 s instead of 3 s / 10 s, a
 * link lost after 1.5 s of silence; rate limits lifted so polling and drills
 * are never refused for their rate.
 */
export const FAST: Record<string, unknown> = {
  rate_limit: { window_s: 10, max_requests: 1000, max_clients: 64 },
  vehicle: { connection: 'sim', heartbeat_timeout_s: HEARTBEAT_TIMEOUT_S },
  follower: { loss: { hold_s: HOLD_S, action_after_s: ACTION_AFTER_S, action: 'hover' } },
};

/** Epoch ms with sub-ms precision, as the simulated vehicle stamps its journal (comparable across processes). */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/** The centre error of a box in a W × H frame: max(|cx − W/2| / (W/2), |cy − H/2| / (H/2)). */
export function centreError(b: Box, w: number, h: number): number {
  const cx = b[0] + b[2] / 2;
  const cy = b[1] + b[3] / 2;
  return Math.max(Math.abs(cx - w / 2) / (w / 2), Math.abs(cy - h / 2) / (h / 2));
}

export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : Number.NaN;
}

/**
 * A server with `overrides` over FAST, once it has live video and (unless
 * the connection is none) a live link to the simulated vehicle.
 */
export async function flightServer(t: Owner, overrides: Record<string, unknown> = {}): Promise<InProcessServer> {
  const cfg = deepMerge(FAST, overrides) as Record<string, unknown>;
  const srv = await startInProcess(t, cfg);
  const none = (cfg.vehicle as { connection?: string } | undefined)?.connection === 'none';
  await waitFor(async () => {
    const s = (await call(srv.base, 'GET', '/status')).body;
    return s.video_status === 'healthy' && (none || s.vehicle?.connected === true);
  }, none ? 'live video' : 'live video and the simulated vehicle\'s HEARTBEAT', { timeoutMs: 20000, everyMs: 50 });
  return srv;
}

/** Newest-frame truth answers that were a 404 for a frame just published (see truth()). */
export const truthRaces = { count: 0 };

/**
 * The newest frame's ground truth. The camera thread publishes a frame on
 * the ring before it records that frame's truth, so the newest id can be
 * briefly unknown (404 SKYFEED_ERR_SIM_FRAME_UNKNOWN): asked again then.
 */
export async function truth(base: string): Promise<Truth> {
  for (let i = 0; ; i++) {
    const r = await call(base, 'GET', '/api/sim/targets');
    if (r.status === 200) return r.body as Truth;
    if (r.body?.code !== 'SKYFEED_ERR_SIM_FRAME_UNKNOWN' || i >= 20) throw new Error(`/api/sim/targets: ${r.status} ${JSON.stringify(r.body)}`);
    truthRaces.count++;
    await pause(5);
  }
}

/** The person's true box in the newest frame. */
export async function person(base: string): Promise<TruthTarget> {
  const p = (await truth(base)).targets.find((x) => x.class_name === 'person');
  if (!p?.visible) throw new Error('the person is not in view');
  return p;
}

export async function sim(base: string): Promise<SimView> {
  const r = await call(base, 'GET', '/api/sim/vehicle');
  if (r.status !== 200) throw new Error(`/api/sim/vehicle: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as SimView;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function followerData(base: string): Promise<any> {
  return (await call(base, 'GET', '/telemetry/follower_data')).body;
}

/** Starts tracking the person from its true box and waits until the follower takes the tracker's output. */
export async function trackPerson(base: string): Promise<TruthTarget> {
  const p = await person(base);
  const [x, y, width, height] = p.bbox;
  const r = await call(base, 'POST', '/commands/start_tracking', { x, y, width, height });
  if (r.status !== 200) throw new Error(`start_tracking: ${r.status} ${JSON.stringify(r.body)}`);
  await waitFor(async () => (await followerData(base)).loss_policy?.phase === 'tracking', 'the follower to take tracker output',
    { timeoutMs: 5000, everyMs: 50 });
  return p;
}

/** Tracks the person and starts following; throws with the report unless it succeeded. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function follow(base: string): Promise<any> {
  await trackPerson(base);
  const on = await call(base, 'POST', '/commands/start_offboard_mode');
  if (on.status !== 200 || on.body.status !== 'success') throw new Error(`start_offboard_mode: ${on.status} ${JSON.stringify(on.body)}`);
  return on.body;
}

/** Events of /api/vehicle/events, newest last. */
export async function events(base: string): Promise<{ timestamp: number; kind: string; detail: string }[]> {
  return (await call(base, 'GET', '/api/vehicle/events')).body.events;
}

/** Waits until /status says following ended; returns the seconds since `t0` (performance.now()). */
export async function followingEnds(base: string, t0: number, withinS: number): Promise<number> {
  await waitFor(async () => (await call(base, 'GET', '/status')).body.following_active === false, 'following to end',
    { timeoutMs: withinS * 1000, everyMs: 50 });
  return (performance.now() - t0) / 1000;
}

/**
 * /status says following ended as soon as the stop begins (phase stopping);
 * the stop is complete (phase idle, last_stop set) once the vehicle's
 * HEARTBEAT confirmed the new mode. Returns the follower telemetry then.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function stopComplete(base: string): Promise<any> {
  return waitFor(async () => {
    const fd = await followerData(base);
    return fd.offboard_phase === 'idle' && fd.last_stop ? fd : null;
  }, 'the stop to complete (offboard phase idle)', { timeoutMs: 5000, everyMs: 50 });
}

/** The vehicle reached Hold (its own view) after leaving Offboard. */
export async function vehicleInHold(base: string): Promise<JournalEntry[]> {
  return waitFor(async () => {
    const s = await sim(base);
    return s.stats.mode_text === 'Hold' ? s.journal : null;
  }, 'the simulated vehicle to be in Hold', { timeoutMs: 5000, everyMs: 50 });
}

/**
 * Waits until the vehicle has been sent a motion: the follower commands one
 * and the keep-alive sent twice since (a command computed just now may not
 * have gone out yet), so a later zero shows in the vehicle's journal.
 */
export async function moving(base: string): Promise<void> {
  let sentAt = -1;
  await waitFor(async () => {
    const fd = await followerData(base);
    const f = fd.fields;
    if (Math.abs(f.vel_body_fwd) + Math.abs(f.vel_body_right) <= 0.05) {
      sentAt = -1;
      return false;
    }
    if (sentAt < 0) sentAt = fd.keepalive.sent as number;
    return fd.keepalive.sent >= sentAt + 2;
  }, 'the vehicle to be sent a motion', { timeoutMs: 5000, everyMs: 20 });
}

/** The follower's loss-timeline steps ("from -> to (reason)") since `since` (epoch s). */
export function lossSteps(ev: { timestamp: number; kind: string; detail: string }[], since: number): string[] {
  return ev.filter((e) => e.kind === 'loss' && e.timestamp >= since).map((e) => e.detail);
}
