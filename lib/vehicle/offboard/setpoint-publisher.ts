// The offboard keep-alive: sends the current command at a fixed rate (20 Hz)
// on a drift-free schedule. A command older than command_timeout is replaced
// by the neutral setpoint; every setpoint passes a last clamp to the global
// limits (a follower bug must not reach the vehicle; counted, normally 0);
// `maxFailures` failed sends in a row end the stream through onFailureLimit.

import type { Limits } from '../followers/limits.js';
import { clampAttitude, clampVelocity } from '../followers/limits.js';
import { copySetpoint, newSetpoint, setNeutral, type Setpoint, type SetpointKind } from '../setpoint.js';
import { RateMeter } from '../rate-meter.js';
import type { VehicleState } from '../vehicle-state.js';

export interface CommandSource {
  /** The command to send now (ticks the follower); may be reused by the caller. */
  current(nowMs: number): Setpoint;
  /** performance.now() the current command was computed at. */
  readonly commandAt: number;
}

export interface PublisherOptions {
  rateHz: number;
  commandTimeoutMs: number;
  maxFailures: number;
  hoverThrust: number;
  limits: Limits;
  vehicle: Readonly<VehicleState>;
  send(sp: Setpoint): Promise<void>;
  /** Called once when maxFailures sends in a row failed. */
  onFailureLimit(lastError: Error): void;
}

export interface PublisherStats {
  running: boolean;
  following: boolean;
  sent: number;
  failed: number;
  consecutive_failures: number;
  /** Commands replaced by neutral because they were older than the timeout. */
  stale_replaced: number;
  /** Setpoints the last clamp had to cut (a follower that broke its limits). */
  clamped: number;
  /** Measured send rate over the last ~2 s. */
  rate_hz: number;
  last_error: string | null;
}

/** Sends kept for the measured rate: 2 s at up to 50 Hz. */
const RATE_RING = 101;
const RATE_WINDOW_MS = 2000;

export class SetpointPublisher {
  /** Fixed settings; one tick every #periodMs. */
  readonly #o: PublisherOptions;
  readonly #periodMs: number;
  /** What goes out; overwritten per tick. */
  #out: Setpoint;
  /** Where commands come from (null: neutral), and the pending tick. */
  #source: CommandSource | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** Schedule origin and tick count (drift-free: tick n is due at t0 + n × period). */
  #t0 = 0;
  #n = 0;
  /** onFailureLimit was called for this stream. */
  #failedOut = false;
  /** Measured send rate. */
  readonly #sendRate = new RateMeter(RATE_RING, RATE_WINDOW_MS);
  /** Counters for stats(). */
  #stats = { sent: 0, failed: 0, consecutive: 0, stale: 0, clamped: 0, lastError: null as string | null };

  constructor(o: PublisherOptions) {
    this.#o = o;
    this.#periodMs = 1000 / o.rateHz;
    this.#out = newSetpoint('velocity_body', o.hoverThrust);
  }

  get running(): boolean {
    return this.#timer !== null;
  }

  /** Starts (or restarts) streaming neutral setpoints of `kind`; the first goes out at once. */
  start(kind: SetpointKind): void {
    this.stop();
    this.#out = newSetpoint(kind, this.#o.hoverThrust);
    this.#source = null;
    this.#failedOut = false;
    this.#stats.consecutive = 0;
    this.#t0 = performance.now();
    this.#n = 0;
    this.#tick();
  }

  /** From now on send `source`'s commands (null: neutral). */
  follow(source: CommandSource | null): void {
    this.#source = source;
  }

  /** Neutral from now on, and one neutral setpoint sent at once (the "final zero" of a stop or a loss). */
  publishNeutralNow(): Promise<void> {
    this.#source = null;
    setNeutral(this.#out, this.#o.hoverThrust);
    return this.#send();
  }

  /** One extra setpoint now, outside the schedule (the follower's output just changed to a stop). */
  publishNow(): void {
    if (!this.running) return;
    this.#compose(performance.now());
    void this.#send();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#source = null;
  }

  #tick(): void {
    this.#timer = null;
    const now = performance.now();
    this.#compose(now);
    void this.#send();
    this.#n++;
    let due = this.#t0 + this.#n * this.#periodMs;
    if (due < now - this.#periodMs) {
      // The event loop stalled for more than a period: restart the schedule rather than burst the missed ticks.
      this.#t0 = now;
      this.#n = 1;
      due = now + this.#periodMs;
    }
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, due - performance.now()));
  }

  #compose(now: number): void {
    const src = this.#source;
    const out = this.#out;
    if (!src) { setNeutral(out, this.#o.hoverThrust); return; }
    const cmd = src.current(now);
    if (now - src.commandAt > this.#o.commandTimeoutMs || !copySetpoint(out, cmd)) {
      setNeutral(out, this.#o.hoverThrust);
      this.#stats.stale++;
      return;
    }
    const mask = out.kind === 'velocity_body'
      ? clampVelocity(out, this.#o.limits, this.#o.vehicle)
      : clampAttitude(out, this.#o.limits, this.#o.vehicle, this.#o.hoverThrust);
    if (mask) this.#stats.clamped++;
  }

  #send(): Promise<void> {
    return this.#o.send(this.#out).then(
      () => {
        const s = this.#stats;
        this.#sendRate.mark(performance.now());
        s.sent++;
        s.consecutive = 0;
      },
      (err: Error) => {
        const s = this.#stats;
        s.failed++;
        s.consecutive++;
        s.lastError = err.message;
        if (s.consecutive >= this.#o.maxFailures && !this.#failedOut && this.running) {
          this.#failedOut = true;
          this.#o.onFailureLimit(err);
        }
      },
    );
  }

  stats(): PublisherStats {
    const s = this.#stats;
    return {
      running: this.running, following: this.#source !== null, sent: s.sent, failed: s.failed, consecutive_failures: s.consecutive,
      stale_replaced: s.stale, clamped: s.clamped, rate_hz: this.#sendRate.rate(performance.now()), last_error: s.lastError,
    };
  }
}
