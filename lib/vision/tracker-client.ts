// The tracker's place on the frame bus (main thread side). It runs the
// tracking session in its own thread (tracker-thread.ts) and feeds it frame
// numbers: one frame in flight, the newest waiting one replaces an older
// one (newest wins, so the tracker never holds back capture and never
// works on a stale picture), at most at `maxFps`. Only numbers, boxes and
// outputs cross threads. A crashed thread is restarted; the track it held is
// reported lost with the reason, never silently continued.

import { Worker } from 'node:worker_threads';
import type { FrameBus, FrameConsumer } from '../bus/frame-bus.js';
import { WORKER_HEAP_LIMITS } from '../util/worker-limits.js';
import { LatencyHistogram, TRACKER_MS_BUCKETS } from '../util/latency-histogram.js';
import type { TrackerReply, TrackerRequest } from './tracker-thread.js';
import type { TrackerOutput } from './tracker-output.js';
import type { SessionStatus } from './tracking-session.js';
import type { PixelBox } from './types.js';

const workerUrl = new URL('../../workers/tracker.js', import.meta.url);
/** The camera's rate up to this (the ceiling). */
export const TRACKER_MAX_FPS = 60;
const RESTART_DELAY_MS = 500;
/** A start that gets no answer in this long failed (the thread is stuck or dead). */
const START_TIMEOUT_MS = 5000;

export interface TrackerClientCounters {
  processed: number;
  /** Frames replaced by a newer one while the tracker was busy. */
  skipped: number;
  /** Frames the camera overwrote before or while the tracker read them. */
  torn: number;
  restarts: number;
  lastMs: number;
}

export interface TrackerClientEvents {
  /** Every processed frame's output (a copy the client keeps as `latest`). */
  output?(o: TrackerOutput, status: SessionStatus): void;
  /** The thread died; the track is gone. */
  failed?(reason: string): void;
}

export class TrackerClient implements FrameConsumer {
  readonly name = 'tracker';
  readonly maxFps: number;
  readonly counters: TrackerClientCounters = { processed: 0, skipped: 0, torn: 0, restarts: 0, lastMs: 0 };
  /** Every pass's duration since start, bucketed for /metrics. */
  readonly msHistogram = new LatencyHistogram(TRACKER_MS_BUCKETS);
  readonly #bus: FrameBus;
  readonly #events: TrackerClientEvents;
  #worker: Worker | null = null;
  #ready: Promise<void> | null = null;
  /** A session runs in the thread: frames are wanted. */
  #active = false;
  /** Frame being tracked (-1: none) and the newest one waiting (-1: none). */
  #inflight = -1;
  #pending = -1;
  #latest: TrackerOutput | null = null;
  #status: SessionStatus | null = null;
  #startWaiter: { seq: number; resolve(o: TrackerOutput): void; reject(e: Error): void; timer: NodeJS.Timeout } | null = null;
  #closed = false;
  lastError: string | null = null;

  constructor(bus: FrameBus, events: TrackerClientEvents = {}, maxFps = TRACKER_MAX_FPS) {
    this.#bus = bus;
    this.#events = events;
    this.maxFps = maxFps;
  }

  /** The newest output (null before the first start). */
  get latest(): TrackerOutput | null {
    return this.#latest;
  }

  get status(): SessionStatus | null {
    return this.#status;
  }

  get active(): boolean {
    return this.#active;
  }

  /**
   * Starts `tracker` on `box` in frame `frameId` while the ring holds it, else
   * in the newest frame; resolves with the first output, rejects with the
   * reason it could not.
   */
  async start(box: PixelBox, tracker: string, frameId?: number): Promise<TrackerOutput> {
    if (this.#closed) throw new Error('tracker closed');
    await this.#spawn();
    this.#startWaiter?.reject(new Error('superseded by a newer start'));
    this.#active = false;
    this.#pending = -1;
    const seq = heldOrNewest(this.#bus, frameId);
    if (seq < 0) throw new Error('no frame yet');
    return new Promise<TrackerOutput>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#startWaiter = null;
        reject(new Error(`the tracker thread did not answer within ${START_TIMEOUT_MS} ms`));
      }, START_TIMEOUT_MS);
      this.#startWaiter = { seq, resolve, reject, timer };
      this.#post({ type: 'start', seq, box, tracker });
    });
  }

  stop(): void {
    this.#active = false;
    this.#pending = -1;
    if (this.#status?.tracking_started) this.#status = { ...this.#status, state: 'idle', tracking_started: false, stop_reason: 'stopped' };
    if (this.#worker) this.#post({ type: 'stop' });
  }

  hasDemand(): boolean {
    return this.#active;
  }

  take(seq: number): void {
    if (this.#inflight >= 0) {
      if (this.#pending >= 0) this.counters.skipped++;
      this.#pending = seq;
      return;
    }
    this.#send(seq);
  }

  oldestInUse(): number {
    return this.#inflight;
  }

  #send(seq: number): void {
    this.#inflight = seq;
    this.#post({ type: 'frame', seq });
  }

  #post(m: TrackerRequest): void {
    this.#worker?.postMessage(m);
  }

  #spawn(): Promise<void> {
    if (this.#ready) return this.#ready;
    const worker = new Worker(workerUrl, {
      workerData: { sab: this.#bus.ring.sab }, resourceLimits: WORKER_HEAP_LIMITS, execArgv: [],
    });
    this.#worker = worker;
    this.#ready = new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', (m: TrackerReply) => {
        if (m.type === 'ready') {
          worker.off('error', reject);
          resolve();
          return;
        }
        this.#onReply(m);
      });
    });
    worker.on('error', (err) => this.#onCrash(worker, `tracker thread error: ${err.message}`));
    worker.on('exit', (code) => this.#onCrash(worker, `tracker thread exited (code ${code})`));
    return this.#ready;
  }

  #onReply(m: TrackerReply): void {
    if (m.type === 'started' || m.type === 'start-failed') {
      const w = this.#startWaiter;
      if (!w || (m.seq !== w.seq && m.seq !== -1)) return;
      clearTimeout(w.timer);
      this.#startWaiter = null;
      if (m.type === 'start-failed') return w.reject(new Error(m.reason));
      this.#latest = m.output;
      this.#status = { state: 'tracking', tracking_started: true, stop_reason: null, redetect_attempts: 0, redetections: 0 };
      this.#active = true;
      this.#bus.release(); // wake an idle camera: the tracker wants frames now
      return w.resolve(m.output);
    }
    if (m.type === 'ready') return;
    if (m.seq === this.#inflight) this.#inflight = -1;
    if (m.type === 'torn') this.counters.torn++;
    else if (this.#active) {
      this.counters.processed++;
      this.counters.lastMs = m.ms;
      this.msHistogram.observe(m.ms);
      this.#latest = m.output;
      this.#status = m.status;
      // The session gave up (re-detection window over): no more frames.
      if (!m.status.tracking_started) this.#active = false;
      this.#events.output?.(m.output, m.status);
    }
    const next = this.#pending;
    this.#pending = -1;
    if (next >= 0 && this.#active) this.#send(next);
    this.#bus.release();
  }

  #onCrash(worker: Worker, reason: string): void {
    if (this.#worker !== worker) return;
    this.#worker = null;
    this.#ready = null;
    this.#inflight = -1;
    this.#pending = -1;
    const wasActive = this.#active;
    this.#active = false;
    if (this.#startWaiter) {
      clearTimeout(this.#startWaiter.timer);
      this.#startWaiter.reject(new Error(reason));
      this.#startWaiter = null;
    }
    if (this.#closed) return;
    this.lastError = reason;
    this.counters.restarts++;
    if (wasActive) {
      this.#status = { state: 'lost', tracking_started: false, stop_reason: 'tracker_failed', redetect_attempts: 0, redetections: 0 };
      this.#events.failed?.(reason);
    }
    // A fresh thread, ready for the next start (nothing is tracked until the operator starts again).
    setTimeout(() => { if (!this.#closed) this.#spawn().catch(() => {}); }, RESTART_DELAY_MS).unref();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#active = false;
    const w = this.#worker;
    this.#worker = null;
    if (this.#startWaiter) {
      clearTimeout(this.#startWaiter.timer);
      this.#startWaiter.reject(new Error('tracker closed'));
      this.#startWaiter = null;
    }
    if (w) await w.terminate();
  }
}

/** `frameId` while the ring still holds it, else the newest frame (-1: none yet). */
export function heldOrNewest(bus: FrameBus, frameId: number | undefined): number {
  const ring = bus.ring;
  if (frameId !== undefined && frameId >= 0 && ring.slotSeq(ring.slotOf(frameId)) === frameId) return frameId;
  return ring.latestSeq();
}
