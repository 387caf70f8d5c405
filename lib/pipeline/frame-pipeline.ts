// All drop decisions live here, in one place (as in µStreamer's stream loop):
// take the newest raw frame, encode only while someone watches, encode each
// frame once per quality in demand, skip identical pictures, and discard
// results that finish out of order or were torn by the camera lapping them.

import { RawRing } from './raw-ring.js';
import { EncodedRing, jpegCapacity } from './encoded-ring.js';
import { publishFrame, type EncodedFrame } from './encoded-frame.js';
import { TimingWindow } from './timing-window.js';
import { EncodeOutcome, type EncodeResult, type EncodeTask, type EncodeWorkerData } from './messages.js';
import type { FrameSource } from '../capture/source.js';
import type { SkyfeedConfig } from '../config/types.js';
import { EncodePool } from './encode-pool.js';
import { encodedSlots, encodeWorkerCount } from './encoded-slots.js';

export interface PipelineOptions {
  width: number;
  height: number;
  /** 0 = one worker per core. */
  workers: number;
  ringSlots: number;
  encodedSlots: number;
  skipIdentical: boolean;
  enableCache: boolean;
  cacheTtlMs: number;
  /**
   * Where encodes run: 'pool' (worker threads, the design) or 'main_thread'
   * (the bench's ablation: sharp called from the event-loop thread, one
   * frame at a time, as a plain Node server would).
   */
  encoder?: 'pool' | 'main_thread';
  /**
   * MJPEG passthrough tier: clients at this quality get a JPEG source's frames
   * unchanged (see EncodeTask.passthroughQuality). Omitted: -1, never.
   */
  passthroughQuality?: number;
}

/** The pipeline's options as the configuration states them. */
export function pipelineOptions(config: SkyfeedConfig): PipelineOptions {
  const s = config.streaming;
  const p = config.pipeline;
  return {
    width: s.width, height: s.height, workers: p.workers, ringSlots: p.ring_slots, encodedSlots: encodedSlots(config),
    skipIdentical: s.skip_identical_frames, enableCache: s.enable_cache, cacheTtlMs: s.cache_ttl_ms, encoder: p.encoder,
  };
}

export type FrameListener = (frame: EncodedFrame) => void;

/** Counters shown by /stats; plain numbers so reading them allocates nothing. */
export interface PipelineCounters {
  framesCaptured: number;
  framesEncoded: number;
  encodes: number;
  identicalSkipped: number;
  staleSkipped: number;
  idleSkipped: number;
  torn: number;
  overflow: number;
  outOfOrder: number;
  workerErrors: number;
  stalledTasks: number;
  slotsExhausted: number;
  /** Frame listeners (fan-out) that threw; see #emit. */
  listenerErrors: number;
}

interface SnapshotWaiter {
  quality: number;
  resolve: (frame: EncodedFrame | null) => void;
  timer: NodeJS.Timeout;
}

/** An encode takes ~2 ms at 640x480 and ~8 ms at 1080p; this only catches lost tasks. */
const TASK_TIMEOUT_MS = 1000;
/** Snapshot requests waiting for a fresh frame; beyond this they are refused. */
const MAX_SNAPSHOT_WAITERS = 256;

export class FramePipeline {
  readonly raw: RawRing;
  readonly encoded: EncodedRing;
  readonly workers: number;
  readonly counters: PipelineCounters = {
    framesCaptured: 0, framesEncoded: 0, encodes: 0, identicalSkipped: 0, staleSkipped: 0,
    idleSkipped: 0, torn: 0, overflow: 0, outOfOrder: 0, workerErrors: 0, stalledTasks: 0, slotsExhausted: 0, listenerErrors: 0,
  };
  readonly encodeMs = new TimingWindow(1024);
  readonly #opts: PipelineOptions;
  /** The worker pool; null when encoding on the main thread. */
  readonly #pool: EncodePool | null;
  readonly #workerData: EncodeWorkerData;
  /** Runs one encode task wherever encodes run. */
  #run: (task: EncodeTask, signal: AbortSignal) => Promise<EncodeResult>;
  #source: FrameSource | null = null;
  /** Stream clients per quality; a quality with 0 is not encoded. */
  readonly #demand = new Map<number, number>();
  /** Newest published frame per quality. */
  readonly #current = new Map<number, EncodedFrame>();
  /** Encoded-ring slots not lent to a task nor holding a current frame. */
  readonly #free: number[] = [];
  #waiters: SnapshotWaiter[] = [];
  #listeners: FrameListener[] = [];
  /** Sequence numbers of the frames being encoded (at most `workers`). */
  readonly #inflightSeqs: number[] = [];
  /** Newest raw frame that arrived while all workers were busy; -1: none. */
  #pendingSeq = -1;
  /** Hash of the newest published picture. */
  #lastHash: bigint | null = null;
  #closed = false;
  #started = false;
  /** The newest encode-worker failure, for /stats. */
  lastWorkerError: string | null = null;
  /** The newest frame-listener failure, for /stats. */
  lastListenerError: string | null = null;
  /** Quality tier served by MJPEG passthrough; settable when the default quality changes. */
  passthroughQuality: number;

  constructor(opts: PipelineOptions) {
    this.#opts = opts;
    this.passthroughQuality = opts.passthroughQuality ?? -1;
    const inline = opts.encoder === 'main_thread';
    this.workers = encodeWorkerCount(opts.workers, opts.encoder);
    this.raw = RawRing.create({
      slots: opts.ringSlots, width: opts.width, height: opts.height, slotBytes: opts.width * opts.height * 3,
    });
    this.raw.setPaceAhead(this.workers);
    this.encoded = new EncodedRing({ slots: opts.encodedSlots, capacity: jpegCapacity(opts.width, opts.height) });
    for (let i = opts.encodedSlots - 1; i >= 0; i--) this.#free.push(i);
    const workerData: EncodeWorkerData = {
      rawSab: this.raw.sab, encodedSab: this.encoded.sab,
      raw: { slots: this.raw.slots, width: opts.width, height: opts.height, slotBytes: this.raw.slotBytes },
      encoded: { slots: this.encoded.slots, capacity: this.encoded.capacity },
    };
    this.#workerData = workerData;
    if (inline) {
      this.#pool = null;
      this.#run = () => Promise.reject(new Error('encoder not started'));
    } else {
      const pool = new EncodePool(this.workers, workerData);
      this.#pool = pool;
      this.#run = (task, signal) => pool.run(task, signal);
    }
  }

  /** Starts capture from `source`. The pipeline owns it from here. */
  async start(source: FrameSource): Promise<void> {
    if (!this.#pool && !this.#started) {
      // Imported only here: in pool mode the main thread never loads sharp.
      const { createEncoder } = await import('./encoder.js');
      const encode = await createEncoder(this.#workerData);
      this.#run = (task) => encode(task);
    }
    this.#started = true;
    this.#source = source;
    await source.open(this.raw, { frame: (seq) => this.#onRawFrame(seq) });
  }

  get source(): FrameSource | null {
    return this.#source;
  }

  /** Swaps the source (e.g. a new fps); clients keep their streams. */
  async replaceSource(source: FrameSource): Promise<void> {
    const old = this.#source;
    this.#source = null;
    if (old) await old.close();
    await this.start(source);
  }

  onFrame(listener: FrameListener): void {
    this.#listeners.push(listener);
  }

  /** A stream client starts (+1) or stops (-1) wanting `quality`. */
  addDemand(quality: number, delta: number): void {
    const n = (this.#demand.get(quality) ?? 0) + delta;
    if (n <= 0) this.#demand.delete(quality);
    else this.#demand.set(quality, n);
    if (delta > 0) this.#markConsumed(this.raw.latestSeq());
  }

  current(quality: number): EncodedFrame | undefined {
    return this.#current.get(quality);
  }

  /** Encoded frames held for reuse (the seed's cache_size). */
  qualitiesCached(): number {
    return this.#current.size;
  }

  /** Qualities with at least one stream client. */
  qualitiesInDemand(): number[] {
    return [...this.#demand.keys()];
  }

  /** Times the encode pool was replaced after losing work or threads. */
  get poolRestarts(): number {
    return this.#pool?.restarts ?? 0;
  }

  /** The pool's threads (fault-injection tests terminate one). */
  get threads(): readonly { terminate(): Promise<number> }[] {
    return this.#pool?.threads ?? [];
  }

  get inflight(): number {
    return this.#inflightSeqs.length;
  }

  /**
   * The newest frame at `quality`: the cached one while it is younger than
   * cache_ttl_ms (or the tier is streaming anyway), else the next one encoded.
   * Resolves null if none arrives within `timeoutMs` or too many wait.
   */
  snapshot(quality: number, timeoutMs: number): Promise<EncodedFrame | null> {
    const cur = this.#current.get(quality);
    const now = performance.timeOrigin + performance.now();
    const ttl = this.#opts.enableCache ? this.#opts.cacheTtlMs : 0;
    if (cur && (now - cur.captureMs <= ttl || (this.#demand.has(quality) && now - cur.readyMs < 1000))) {
      return Promise.resolve(cur);
    }
    if (this.#waiters.length >= MAX_SNAPSHOT_WAITERS || this.#closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter: SnapshotWaiter = {
        quality, resolve,
        timer: setTimeout(() => {
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          resolve(null);
        }, timeoutMs),
      };
      this.#waiters.push(waiter);
      this.#markConsumed(this.raw.latestSeq());
    });
  }

  // ---- the drop decisions ----

  #onRawFrame(seq: number): void {
    this.counters.framesCaptured++;
    if (this.#closed) return;
    if (this.#demand.size === 0 && this.#waiters.length === 0) {
      // Nobody watches: do not spend a core on encoding. (A demand-paced
      // camera is not released either; new demand wakes it.)
      this.counters.idleSkipped++;
      return;
    }
    if (this.#inflightSeqs.length >= this.workers) {
      // Newest frame wins: a frame still waiting is replaced, never queued.
      if (this.#pendingSeq >= 0) this.counters.staleSkipped++;
      this.#pendingSeq = seq;
      return;
    }
    this.#dispatch(seq);
  }

  #wantedQualities(): number[] {
    const qs = [...this.#demand.keys()];
    for (const w of this.#waiters) if (!qs.includes(w.quality)) qs.push(w.quality);
    return qs;
  }

  #takeSlot(): number {
    const slot = this.#free.pop();
    if (slot !== undefined) return slot;
    // Reclaim the current frame of a quality nobody streams any more.
    for (const [q, frame] of this.#current) {
      if (!this.#demand.has(q)) {
        this.#current.delete(q);
        return frame.slot;
      }
    }
    return -1;
  }

  /**
   * Tells a demand-paced camera (fps 0) how far it may run: the oldest frame
   * still being encoded, so it can never overwrite one in flight, or `seq`
   * when nothing is in flight.
   */
  #markConsumed(seq: number): void {
    let oldest = seq;
    for (const s of this.#inflightSeqs) if (s < oldest) oldest = s;
    this.raw.markConsumed(oldest);
  }

  #settled(task: EncodeTask): void {
    const i = this.#inflightSeqs.indexOf(task.seq);
    if (i >= 0) this.#inflightSeqs.splice(i, 1);
    this.#markConsumed(this.raw.latestSeq());
  }

  #dispatch(seq: number): void {
    const wanted = this.#wantedQualities();
    const qualities: number[] = [];
    const outSlots: number[] = [];
    let allCurrentMatch = this.#lastHash !== null;
    for (const q of wanted) {
      const slot = this.#takeSlot();
      if (slot < 0) {
        this.counters.slotsExhausted++;
        continue;
      }
      qualities.push(q);
      outSlots.push(slot);
      if (this.#current.get(q)?.hash !== this.#lastHash) allCurrentMatch = false;
    }
    if (qualities.length === 0) {
      this.#markConsumed(seq);
      return;
    }
    const task: EncodeTask = {
      seq, slot: this.raw.slotOf(seq), qualities, outSlots,
      prevHash: this.#opts.skipIdentical && allCurrentMatch ? this.#lastHash : null,
      passthroughQuality: this.passthroughQuality,
    };
    this.#inflightSeqs.push(seq);
    this.#markConsumed(seq);
    // Watchdog: a task that neither resolves nor rejects (seen when a worker
    // thread is killed while piscina hands it work) would hold its slots and
    // an in-flight place forever and stall the stream. After TASK_TIMEOUT_MS,
    // far above any real encode, it is aborted (piscina terminates the worker
    // if it still runs it) and written off; a late answer is ignored.
    const abort = new AbortController();
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      this.counters.stalledTasks++;
      abort.abort();
      // piscina lost the task: its pool cannot be trusted any more.
      this.#pool?.replace();
      this.#onWorkerError(task, new Error(`encode task for frame ${seq} did not finish within ${TASK_TIMEOUT_MS} ms`));
    }, TASK_TIMEOUT_MS);
    this.#run(task, abort.signal).then(
      (result) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#onResult(task, result);
      },
      (err: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#onWorkerError(task, err);
      },
    );
  }

  #release(slot: number): void {
    this.#free.push(slot);
  }

  #onWorkerError(task: EncodeTask, err: Error): void {
    this.#settled(task);
    this.counters.workerErrors++;
    this.lastWorkerError = err.message;
    this.#pool?.checkSoon();
    for (const s of task.outSlots) this.#release(s);
    this.#pump();
  }

  #onResult(task: EncodeTask, r: EncodeResult): void {
    this.#settled(task);
    if (this.#closed) return;
    const now = performance.timeOrigin + performance.now();
    const captureMs = this.raw.captureTime(task.slot);
    if (r.outcome === EncodeOutcome.Torn) {
      this.counters.torn++;
      for (const s of task.outSlots) this.#release(s);
    } else if (r.outcome === EncodeOutcome.Identical) {
      this.counters.identicalSkipped++;
      for (let i = 0; i < task.qualities.length; i++) {
        this.#release(task.outSlots[i]);
        const cur = this.#current.get(task.qualities[i]);
        if (!cur || cur.id >= r.seq) continue;
        // Same JPEG bytes, new frame id and timestamp: only the header changes.
        this.#emit(publishFrame(this.encoded, cur.slot, cur.length, r.seq, cur.quality, captureMs, now, r.hash));
      }
    } else {
      this.counters.framesEncoded++;
      for (let i = 0; i < task.qualities.length; i++) {
        const q = task.qualities[i];
        const slot = task.outSlots[i];
        const length = r.lengths[i];
        this.counters.encodes++;
        this.encodeMs.add(r.encodeMs[i]);
        const cur = this.#current.get(q);
        if (length < 0) {
          this.counters.overflow++;
          this.#release(slot);
          continue;
        }
        if (cur && cur.id >= r.seq) {
          // A later frame already went out: publishing this one would go backwards.
          this.counters.outOfOrder++;
          this.#release(slot);
          continue;
        }
        if (cur) this.#release(cur.slot);
        this.#emit(publishFrame(this.encoded, slot, length, r.seq, q, captureMs, now, r.hash));
      }
      this.#lastHash = r.hash;
    }
    this.#pump();
  }

  #emit(frame: EncodedFrame): void {
    this.#current.set(frame.quality, frame);
    for (const l of this.#listeners) {
      // A listener's throw would skip the others and the snapshot waiters,
      // and reject inside the encode promise chain: count it instead.
      try {
        l(frame);
      } catch (err) {
        this.counters.listenerErrors++;
        this.lastListenerError = (err as Error).message;
      }
    }
    if (this.#waiters.length) {
      const still: SnapshotWaiter[] = [];
      for (const w of this.#waiters) {
        if (w.quality === frame.quality) {
          clearTimeout(w.timer);
          w.resolve(frame);
        } else still.push(w);
      }
      this.#waiters = still;
    }
  }

  #pump(): void {
    const seq = this.#pendingSeq;
    if (seq < 0 || this.#inflightSeqs.length >= this.workers) return;
    this.#pendingSeq = -1;
    // The camera may have lapped the waiting frame; then take the newest.
    const latest = this.raw.latestSeq();
    this.#dispatch(this.raw.slotSeq(this.raw.slotOf(seq)) === seq ? seq : latest);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of this.#waiters) {
      clearTimeout(w.timer);
      w.resolve(null);
    }
    this.#waiters = [];
    if (this.#source) await this.#source.close();
    await this.#pool?.destroy();
  }
}
