// Smart mode's place on the frame bus (main thread side): while smart mode
// is on, the newest frame at most `fps` times a second goes to the detector
// thread (one in flight, newest wins); its detections become the
// MULTI_TARGET table with stable ids. Clicks are answered by the same
// thread on the newest frame. A crashed thread is restarted; smart mode
// reports it rather than going quiet.

import { Worker } from 'node:worker_threads';
import type { FrameBus, FrameConsumer } from '../bus/frame-bus.js';
import { WORKER_HEAP_LIMITS } from '../util/worker-limits.js';
import type { ClickSelection } from './click-select.js';
import type { DetectorInfo, DetectorReply, DetectorRequest } from './detector-thread.js';
import { MultiTargets, type MultiTargetOutput } from './multi-target.js';
import { heldOrNewest } from './tracker-client.js';

const workerUrl = new URL('../../workers/detector.js', import.meta.url);
const RESTART_DELAY_MS = 1000;
/** A click not answered in this long failed (the thread is busy with a slow model, or dead). */
const CLICK_TIMEOUT_MS = 3000;
/** Clicks waiting for an answer at most (operators click a few times a second at most). */
const MAX_PENDING_CLICKS = 4;

export interface ClickAnswer {
  selection: ClickSelection | null;
  /** Why there is no selection at all (frame gone, thread failed). */
  reason: string | null;
  ms: number;
  frameId: number;
}

export interface DetectorCounters {
  passes: number;
  torn: number;
  restarts: number;
  lastMs: number;
}

export class DetectorClient implements FrameConsumer {
  readonly name = 'detector';
  readonly maxFps: number;
  readonly counters: DetectorCounters = { passes: 0, torn: 0, restarts: 0, lastMs: 0 };
  readonly #bus: FrameBus;
  readonly #modelPath: string;
  readonly #targets = new MultiTargets();
  #worker: Worker | null = null;
  #ready: Promise<void> | null = null;
  #on = false;
  #inflight = -1;
  #pending = -1;
  #lastSeq = -1;
  #lastT = 0;
  #clickId = 0;
  readonly #clicks = new Map<number, { resolve(a: ClickAnswer): void; timer: NodeJS.Timeout; seq: number }>();
  #info: DetectorInfo | null = null;
  #closed = false;
  lastError: string | null = null;

  constructor(bus: FrameBus, modelPath: string, fps: number) {
    this.#bus = bus;
    this.#modelPath = modelPath;
    this.maxFps = fps;
  }

  /** What the thread runs (null until it started once). */
  get info(): DetectorInfo | null {
    return this.#info;
  }

  get on(): boolean {
    return this.#on;
  }

  /** Smart mode on: start the thread (if needed) and take frames. */
  async enable(): Promise<DetectorInfo> {
    this.#on = true;
    await this.#spawn();
    this.#bus.release();
    return this.#info!;
  }

  disable(): void {
    this.#on = false;
    this.#pending = -1;
    this.#targets.update([]);
    this.#targets.clearSelection();
  }

  /** The MULTI_TARGET table of the latest pass. */
  output(width: number, height: number): MultiTargetOutput {
    return this.#targets.output(this.#lastT, this.#lastSeq, width, height);
  }

  /** Marks the target whose box this is as selected (after a click started tracking it). */
  select(bbox: readonly number[]): void {
    this.#targets.select(bbox);
  }

  clearSelection(): void {
    this.#targets.clearSelection();
  }

  /** A click at pixel (x, y) on frame `frameId` while the ring holds it, else on the newest frame. */
  async click(x: number, y: number, following: boolean, frameId?: number): Promise<ClickAnswer> {
    await this.#spawn();
    const seq = heldOrNewest(this.#bus, frameId);
    if (this.#clicks.size >= MAX_PENDING_CLICKS) return { selection: null, reason: 'too many clicks waiting for an answer', ms: 0, frameId: seq };
    const id = ++this.#clickId;
    return new Promise<ClickAnswer>((resolve) => {
      const timer = setTimeout(() => {
        this.#clicks.delete(id);
        resolve({ selection: null, reason: `no answer from the detector thread within ${CLICK_TIMEOUT_MS} ms`, ms: 0, frameId: seq });
      }, CLICK_TIMEOUT_MS);
      this.#clicks.set(id, { resolve, timer, seq });
      this.#post({ type: 'click', id, seq, x, y, following });
    });
  }

  hasDemand(): boolean {
    return this.#on && this.#worker !== null;
  }

  take(seq: number): void {
    if (this.#inflight >= 0) {
      this.#pending = seq;
      return;
    }
    this.#inflight = seq;
    this.#post({ type: 'detect', seq });
  }

  oldestInUse(): number {
    return this.#inflight;
  }

  #post(m: DetectorRequest): void {
    this.#worker?.postMessage(m);
  }

  #spawn(): Promise<void> {
    if (this.#ready) return this.#ready;
    const worker = new Worker(workerUrl, {
      workerData: { sab: this.#bus.ring.sab, modelPath: this.#modelPath }, resourceLimits: WORKER_HEAP_LIMITS, execArgv: [],
    });
    this.#worker = worker;
    this.#ready = new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', (m: DetectorReply) => {
        if (m.type === 'ready') {
          this.#info = m.info;
          worker.off('error', reject);
          resolve();
          return;
        }
        this.#onReply(m);
      });
    });
    worker.on('error', (err) => this.#onCrash(worker, `detector thread error: ${err.message}`));
    worker.on('exit', (code) => this.#onCrash(worker, `detector thread exited (code ${code})`));
    return this.#ready;
  }

  #onReply(m: DetectorReply): void {
    if (m.type === 'click') {
      const c = this.#clicks.get(m.id);
      if (!c) return;
      this.#clicks.delete(m.id);
      clearTimeout(c.timer);
      c.resolve({ selection: m.selection, reason: m.reason, ms: m.ms, frameId: c.seq });
      return;
    }
    if (m.type === 'ready') return;
    if (m.seq === this.#inflight) this.#inflight = -1;
    if (m.type === 'torn') this.counters.torn++;
    else if (this.#on) {
      this.counters.passes++;
      this.counters.lastMs = m.ms;
      this.#lastSeq = m.seq;
      this.#lastT = m.t;
      this.#targets.update(m.detections);
    }
    const next = this.#pending;
    this.#pending = -1;
    if (next >= 0 && this.#on) this.take(next);
    this.#bus.release();
  }

  #onCrash(worker: Worker, reason: string): void {
    if (this.#worker !== worker) return;
    this.#worker = null;
    this.#ready = null;
    this.#inflight = -1;
    this.#pending = -1;
    for (const [id, c] of this.#clicks) {
      clearTimeout(c.timer);
      c.resolve({ selection: null, reason, ms: 0, frameId: c.seq });
      this.#clicks.delete(id);
    }
    if (this.#closed) return;
    this.lastError = reason;
    this.counters.restarts++;
    setTimeout(() => { if (!this.#closed && this.#on) this.#spawn().catch(() => {}); }, RESTART_DELAY_MS).unref();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#on = false;
    const w = this.#worker;
    this.#worker = null;
    for (const c of this.#clicks.values()) clearTimeout(c.timer);
    this.#clicks.clear();
    if (w) await w.terminate();
  }
}
