// Self-healing wrapper around a live source (V4L2, ffmpeg): reconnects with
// exponential backoff and watches for stalls; while the signal is down its
// NoSignalWriter keeps viewers' streams alive, and live frames resume on the
// same connections when the source recovers.
//
// Health states (the API contract's video resilience):
//   healthy     live frames flowing
//   recovering  an attempt is in progress (session starting, no frame yet)
//   degraded    lost; waiting for the next attempt (fewer than FAILED_AFTER failures)
//   failed      FAILED_AFTER or more consecutive failures; still retrying every max backoff
//   unavailable cannot work in this build (SourceUnavailable) or closed

import type { RawRing } from '../bus/raw-ring.js';
import { RECONNECT_WAIT_MS, type FrameSink, type FrameSource, type SourceHealth, type SourceState } from './source.js';
import { SourceUnavailable, type LiveSession } from './live-session.js';
import { NoSignalWriter, type NoSignalText } from './no-signal-writer.js';
import { FpsMeter } from './fps-meter.js';

export interface ResilientOptions {
  /** Requested fps, reported in health. */
  fps: number;
  /** First reconnect delay; doubles per failure up to reconnectMaxMs. */
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** A session without a frame for this long is treated as lost. */
  stallTimeoutMs: number;
  /** Rate of NO SIGNAL frames while down. */
  noSignalFps: number;
  /** State changes, one line each with the source type and the state it entered (the server's log). */
  log?: (line: string, change: { source: string; state: SourceState }) => void;
}

/** Consecutive failures after which the state reads `failed` instead of `degraded`. */
export const FAILED_AFTER = 5;
const WATCHDOG_MS = 500;

const now = () => performance.timeOrigin + performance.now();

export class ResilientSource implements FrameSource {
  readonly type: string;
  readonly #factory: () => LiveSession;
  readonly #opts: ResilientOptions;
  #ring: RawRing | null = null;
  #sink: FrameSink | null = null;
  #noSignal: NoSignalWriter | null = null;
  #session: LiveSession | null = null;
  /** Bumped whenever a session is dropped, so late events from it are ignored. */
  #epoch = 0;
  #sessionStartedAt = 0;
  #lastLiveAt = 0;
  #backoffMs: number;
  #retryTimer: NodeJS.Timeout | null = null;
  #blankTimer: NodeJS.Timeout | null = null;
  #watchdog: NodeJS.Timeout | null = null;
  #fps = new FpsMeter(now());
  #closing = false;
  #permanent = false;
  #liveWaiters: Array<() => void> = [];
  #reconnecting: Promise<boolean> | null = null;
  #health: Required<SourceHealth>;

  constructor(type: string, factory: () => LiveSession, opts: ResilientOptions) {
    this.type = type;
    this.#factory = factory;
    this.#opts = opts;
    this.#backoffMs = opts.reconnectMinMs;
    this.#health = {
      state: 'unavailable', type, frames: 0, lastFrameAt: 0, consecutiveFailures: 0,
      recoveryAttempts: 0, lastError: null, isRecovering: false, connectionOpen: false,
      nextRecoveryAt: 0, requestedFps: opts.fps, effectiveFps: 0, lostAt: 0, format: '',
    };
  }

  /** Never rejects for a missing device: the server stays up and shows NO SIGNAL. */
  async open(ring: RawRing, sink: FrameSink): Promise<void> {
    this.#ring = ring;
    this.#sink = sink;
    this.#noSignal = new NoSignalWriter(ring, sink, this.#opts.noSignalFps, (t) => this.#noSignalText(t));
    this.#fps = new FpsMeter(now());
    this.#watchdog = setInterval(() => this.#tick(), WATCHDOG_MS);
    this.#watchdog.unref();
    this.#health.state = 'recovering';
    this.#health.lostAt = now();
    await this.#attempt();
  }

  health(): SourceHealth {
    return this.#health;
  }

  reconnect(): Promise<boolean> {
    if (this.#closing || !this.#ring) return Promise.resolve(false);
    if (this.#reconnecting) return this.#reconnecting;
    this.#reconnecting = (async () => {
      this.#clearRetry();
      this.#permanent = false;
      const old = this.#session;
      if (old) {
        this.#epoch++;
        this.#session = null;
        this.#health.connectionOpen = false;
        await old.stop();
      }
      this.#health.recoveryAttempts++;
      const live = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          this.#liveWaiters = this.#liveWaiters.filter((w) => w !== done);
          resolve(false);
        }, RECONNECT_WAIT_MS);
        const done = () => {
          clearTimeout(timer);
          resolve(true);
        };
        this.#liveWaiters.push(done);
      });
      if (!(await this.#attempt())) {
        for (const w of this.#liveWaiters) w();
        this.#liveWaiters = [];
        return false;
      }
      return (await live) && this.#health.state === 'healthy';
    })().finally(() => {
      this.#reconnecting = null;
    });
    return this.#reconnecting;
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#clearRetry();
    this.#noSignal?.stop();
    if (this.#watchdog) clearInterval(this.#watchdog);
    this.#watchdog = null;
    this.#epoch++;
    const s = this.#session;
    this.#session = null;
    if (s) await s.stop();
    this.#health.state = 'unavailable';
    this.#health.connectionOpen = false;
    this.#health.isRecovering = false;
  }

  // ---- attempts ----

  /** One connection attempt; true when the session started. */
  async #attempt(): Promise<boolean> {
    if (this.#closing) return false;
    const epoch = ++this.#epoch;
    // Single writer: NO SIGNAL frames stop before the session writes.
    this.#noSignal?.stop();
    this.#health.isRecovering = true;
    this.#health.nextRecoveryAt = 0;
    if (this.#health.state !== 'healthy') this.#health.state = 'recovering';
    let session: LiveSession;
    try {
      session = this.#factory();
    } catch (err) {
      this.#down(err as Error);
      return false;
    }
    this.#session = session;
    this.#sessionStartedAt = now();
    try {
      await session.start(this.#ring!, {
        frame: (seq) => {
          if (epoch === this.#epoch) this.#onLiveFrame(seq);
        },
        lost: (err) => {
          if (epoch === this.#epoch) void this.#onLost(err);
        },
      });
    } catch (err) {
      if (epoch !== this.#epoch) return false;
      this.#session = null;
      await session.stop();
      if (epoch === this.#epoch) this.#down(err as Error);
      return false;
    }
    if (epoch !== this.#epoch) return false;
    this.#health.connectionOpen = true;
    this.#health.format = session.describe();
    return true;
  }

  #onLiveFrame(seq: number): void {
    const t = now();
    const h = this.#health;
    h.frames++;
    h.lastFrameAt = this.#ring!.captureTime(this.#ring!.slotOf(seq));
    this.#lastLiveAt = t;
    this.#fps.count();
    if (h.state !== 'healthy') {
      if (h.consecutiveFailures > 0 || h.recoveryAttempts > 0) {
        const down = ((t - h.lostAt) / 1000).toFixed(1);
        this.#log(`recovered (${h.format}) after ${h.consecutiveFailures} failure(s), ${down} s without signal`, 'healthy');
      }
      h.state = 'healthy';
      h.consecutiveFailures = 0;
      h.isRecovering = false;
      h.lostAt = 0;
      this.#backoffMs = this.#opts.reconnectMinMs;
    }
    if (this.#liveWaiters.length) {
      for (const w of this.#liveWaiters) w();
      this.#liveWaiters = [];
    }
    this.#sink!.frame(seq);
  }

  async #onLost(err: Error): Promise<void> {
    const epoch = ++this.#epoch;
    const s = this.#session;
    this.#session = null;
    this.#health.connectionOpen = false;
    if (s) await s.stop();
    // A forced reconnect may have started a new session meanwhile: it owns the ring now.
    if (epoch === this.#epoch) this.#down(err);
  }

  /** The signal is down: show NO SIGNAL and schedule the next attempt. */
  #down(err: Error): void {
    if (this.#closing) return;
    const h = this.#health;
    const t = now();
    h.consecutiveFailures++;
    h.lastError = err.message;
    h.connectionOpen = false;
    if (!h.lostAt) h.lostAt = t;
    this.#permanent = err instanceof SourceUnavailable;
    if (this.#permanent) {
      h.state = 'unavailable';
      h.isRecovering = false;
      h.nextRecoveryAt = 0;
      this.#log(`unavailable: ${err.message}`, 'unavailable');
    } else {
      h.state = h.consecutiveFailures >= FAILED_AFTER ? 'failed' : 'degraded';
      h.isRecovering = true;
      const delay = this.#backoffMs;
      this.#backoffMs = Math.min(this.#opts.reconnectMaxMs, this.#backoffMs * 2);
      h.nextRecoveryAt = t + delay;
      this.#log(`${h.state}: ${err.message}; reconnecting in ${(delay / 1000).toFixed(1)} s`, h.state);
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = null;
        h.recoveryAttempts++;
        void this.#attempt();
      }, delay);
    }
    if (!this.#closing) this.#noSignal?.start();
  }

  #clearRetry(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#health.nextRecoveryAt = 0;
  }

  /** What the NO SIGNAL frame says at time `t`. */
  #noSignalText(t: number): NoSignalText {
    const h = this.#health;
    let detail: string;
    if (h.state === 'unavailable') detail = `${this.type} unavailable`;
    else if (h.nextRecoveryAt > t) detail = `${this.type} reconnecting in ${Math.ceil((h.nextRecoveryAt - t) / 1000)} s`;
    else detail = `${this.type} reconnecting`;
    return { lostAt: h.lostAt || t, detail };
  }

  // ---- watchdog: stalls and the effective fps ----

  #tick(): void {
    const t = now();
    const h = this.#health;
    h.effectiveFps = this.#fps.sample(t);
    if (!this.#session || this.#closing || this.#reconnecting) return;
    const since = Math.max(this.#lastLiveAt, this.#sessionStartedAt);
    if (t - since > this.#opts.stallTimeoutMs) {
      void this.#onLost(new Error(`no frame for ${Math.round((t - since) / 1000)} s`));
    }
  }

  #log(line: string, state: SourceState): void {
    this.#opts.log?.(`video (${this.type}): ${line}`, { source: this.type, state });
  }
}
