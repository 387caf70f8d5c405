// What the loop does while the window runs, sampled from outside: the
// tracker's box and frame id and the follower's command (GET
// /telemetry/tracker_data and /telemetry/follower_data, every CONTROL_MS),
// and the setpoint rate the simulated vehicle measures itself (GET
// /api/sim/vehicle, every RATE_MS: its 2 s rolling rate). They explain the
// centre error: a tracker that drifted, a command pinned at a limit, or a
// loop that is simply behind.

import type { FollowApi } from './follow-api.js';

export interface TrackerRow {
  frame_id: number;
  bbox: [number, number, number, number] | null;
  usable: boolean;
}

export interface FollowerRow {
  fwd: number;
  right: number;
  down: number;
  phase: string;
  losses: number;
}

export interface RateRow {
  /** Server time, s since the epoch. */
  t: number;
  rate_hz: number;
  received: number;
  mode: string;
}

const CONTROL_MS = 200;
const RATE_MS = 1000;
/** Rows kept per series: 10 min at 5 Hz; a run's window is 30 s. */
export const MAX_ROWS = 3000;

export class ControlSampler {
  /** The server. */
  readonly #api: FollowApi;
  /** The three series (MAX_ROWS each). */
  readonly tracker: TrackerRow[] = [];
  readonly follower: FollowerRow[] = [];
  readonly rates: RateRow[] = [];
  /** The two loops while they run. */
  #loops: Promise<void>[] = [];
  #stopping = false;
  /** The first error of a loop (reported by stop()). */
  #error: Error | null = null;

  constructor(api: FollowApi) {
    this.#api = api;
  }

  start(): void {
    if (this.#loops.length) return;
    this.#stopping = false;
    const fail = (e: Error) => { this.#error ??= e; };
    this.#loops = [this.#every(CONTROL_MS, () => this.#control()).catch(fail), this.#every(RATE_MS, () => this.#rate()).catch(fail)];
  }

  /** Stops both loops; throws a loop's error if one had one. Idempotent. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all(this.#loops);
    this.#loops = [];
    if (this.#error) throw this.#error;
  }

  async #every(ms: number, fn: () => Promise<void>): Promise<void> {
    while (!this.#stopping) {
      const t0 = performance.now();
      await fn();
      await new Promise((r) => setTimeout(r, Math.max(0, ms - (performance.now() - t0))));
    }
  }

  async #control(): Promise<void> {
    const [t, f] = await Promise.all([this.#api.get('/telemetry/tracker_data'), this.#api.get('/telemetry/follower_data')]);
    if (typeof t.frame_id === 'number') {
      push(this.tracker, { frame_id: t.frame_id, bbox: t.bounding_box ?? null, usable: t.usable_for_following === true });
    }
    const x = f.fields ?? {};
    push(this.follower, {
      fwd: x.vel_body_fwd ?? 0, right: x.vel_body_right ?? 0, down: x.vel_body_down ?? 0,
      phase: f.loss_policy?.phase ?? '?', losses: f.loss_policy?.losses ?? 0,
    });
  }

  async #rate(): Promise<void> {
    const s = await this.#api.get('/api/sim/vehicle');
    push(this.rates, { t: s.timestamp, rate_hz: s.stats.setpoints.rate_hz, received: s.stats.setpoints.received, mode: s.stats.mode_text });
  }
}

function push<T>(xs: T[], x: T): void {
  xs.push(x);
  if (xs.length > MAX_ROWS) xs.shift();
}
