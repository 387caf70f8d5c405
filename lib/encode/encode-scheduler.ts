// The JPEG encoder's drop decisions, all in one place (as in µStreamer's
// stream loop): take the newest raw frame, encode only while someone
// watches (the bus asks hasDemand), encode each frame once per tier in
// demand, skip identical pictures, and discard results that finish out of
// order or were torn by the camera lapping them. It is one consumer of the
// frame bus among others.

import type { FrameBus, FrameConsumer } from '../bus/frame-bus.js';
import type { RawRing } from '../bus/raw-ring.js';
import { TimingWindow } from '../util/timing-window.js';
import { ENCODE_MS_BUCKETS, LatencyHistogram } from '../util/latency-histogram.js';
import { publishFrame } from './encoded-frame.js';
import type { EncodedRing } from './encoded-ring.js';
import type { FrameStore } from './frame-store.js';
import { StalledTask, type JpegEncoder } from './jpeg-encoder.js';
import { EncodeOutcome, type EncodeResult, type EncodeTask } from './messages.js';
import type { OsdSource, OsdState } from './osd/osd-state.js';
import type { SlotAllocator } from './slot-allocator.js';
import type { SnapshotWaiters } from './snapshot-waiters.js';
import type { TierDemand } from './tier-demand.js';

/** Counters shown by /stats; plain numbers so reading them allocates nothing. */
export interface EncodeCounters {
  framesEncoded: number;
  encodes: number;
  identicalSkipped: number;
  staleSkipped: number;
  torn: number;
  overflow: number;
  outOfOrder: number;
  workerErrors: number;
  stalledTasks: number;
  slotsExhausted: number;
}

export interface SchedulerParts {
  bus: FrameBus;
  encoded: EncodedRing;
  encoder: JpegEncoder;
  store: FrameStore;
  waiters: SnapshotWaiters;
  slots: SlotAllocator;
  demand: TierDemand;
  skipIdentical: boolean;
  /** The OSD drawn on the encoder's copy and the box that labels each frame; none: the camera's picture, unlabelled. */
  osd?: OsdSource;
}

export class EncodeScheduler implements FrameConsumer {
  readonly name = 'jpeg';
  readonly maxFps = 0;
  readonly counters: EncodeCounters = {
    framesEncoded: 0, encodes: 0, identicalSkipped: 0, staleSkipped: 0, torn: 0,
    overflow: 0, outOfOrder: 0, workerErrors: 0, stalledTasks: 0, slotsExhausted: 0,
  };
  readonly encodeMs = new TimingWindow(1024);
  /** Every encode's duration since start, bucketed for /metrics (the window above forgets). */
  readonly encodeHistogram = new LatencyHistogram(ENCODE_MS_BUCKETS);
  /** The newest encode-worker failure, for /stats. */
  lastWorkerError: string | null = null;
  readonly #p: SchedulerParts;
  readonly #raw: RawRing;
  /** Sequence numbers of the frames being encoded (at most encoder.concurrency). */
  readonly #inflight: number[] = [];
  /** Newest raw frame that arrived while every encode was busy; -1: none. */
  #pendingSeq = -1;
  /** Hash of the newest published picture. */
  #lastHash: bigint | null = null;
  /** MJPEG passthrough tier (see EncodeTask.passthroughQuality); -1: never. */
  #passthrough = -1;
  #closed = false;

  constructor(parts: SchedulerParts) {
    this.#p = parts;
    this.#raw = parts.bus.ring;
  }

  get inflight(): number {
    return this.#inflight.length;
  }

  /** The tier served with a JPEG source's own bytes; only live settings change it. */
  setPassthroughQuality(tier: number): void {
    this.#passthrough = tier;
  }

  hasDemand(): boolean {
    return this.#p.demand.size > 0 || this.#p.waiters.size > 0;
  }

  oldestInUse(): number {
    let oldest = -1;
    for (const s of this.#inflight) if (oldest < 0 || s < oldest) oldest = s;
    return oldest;
  }

  take(seq: number): void {
    if (this.#closed) return;
    if (this.#inflight.length >= this.#p.encoder.concurrency) {
      // Newest frame wins: a frame still waiting is replaced, never queued.
      if (this.#pendingSeq >= 0) this.counters.staleSkipped++;
      this.#pendingSeq = seq;
      return;
    }
    this.#dispatch(seq);
  }

  close(): void {
    this.#closed = true;
  }

  #wantedQualities(): number[] {
    const qs = [...this.#p.demand.tiers()];
    for (const q of this.#p.waiters.qualities()) if (!qs.includes(q)) qs.push(q);
    return qs;
  }

  #dispatch(seq: number): void {
    const p = this.#p;
    const qualities: number[] = [];
    const outSlots: number[] = [];
    let allCurrentMatch = this.#lastHash !== null;
    for (const q of this.#wantedQualities()) {
      const slot = p.slots.take();
      if (slot < 0) {
        this.counters.slotsExhausted++;
        continue;
      }
      qualities.push(q);
      outSlots.push(slot);
      if (p.store.current(q)?.hash !== this.#lastHash) allCurrentMatch = false;
    }
    if (qualities.length === 0) {
      p.bus.release();
      return;
    }
    const slot = this.#raw.slotOf(seq);
    // Read once per frame, at dispatch: the frame is drawn and labelled with what was known when it was taken.
    const state = p.osd ? p.osd.state(this.#raw.captureTime(slot)) : null;
    const preset = state && p.osd!.preset();
    const task: EncodeTask = {
      seq, slot, qualities, outSlots,
      prevHash: p.skipIdentical && allCurrentMatch ? this.#lastHash : null,
      passthroughQuality: this.#passthrough,
      osd: preset ? { preset, state: state! } : null,
    };
    this.#inflight.push(seq);
    p.bus.release();
    p.encoder.run(task).then((r) => this.#onResult(task, r, state), (err: Error) => this.#onError(task, err));
  }

  #settled(task: EncodeTask): void {
    const i = this.#inflight.indexOf(task.seq);
    if (i >= 0) this.#inflight.splice(i, 1);
    this.#p.bus.release();
  }

  #onError(task: EncodeTask, err: Error): void {
    this.#settled(task);
    if (err instanceof StalledTask) this.counters.stalledTasks++;
    this.counters.workerErrors++;
    this.lastWorkerError = err.message;
    for (const s of task.outSlots) this.#p.slots.release(s);
    this.#pump();
  }

  #onResult(task: EncodeTask, r: EncodeResult, osd: OsdState | null): void {
    this.#settled(task);
    if (this.#closed) return;
    const { slots, store, encoded } = this.#p;
    const now = performance.timeOrigin + performance.now();
    const captureMs = this.#raw.captureTime(task.slot);
    if (r.outcome === EncodeOutcome.Torn) {
      this.counters.torn++;
      for (const s of task.outSlots) slots.release(s);
    } else if (r.outcome === EncodeOutcome.Identical) {
      this.counters.identicalSkipped++;
      for (let i = 0; i < task.qualities.length; i++) {
        slots.release(task.outSlots[i]);
        const cur = store.current(task.qualities[i]);
        if (!cur || cur.id >= r.seq) continue;
        // Same JPEG bytes, new frame id and timestamp: only the header changes.
        store.publish(publishFrame(encoded, cur.slot, cur.length, r.seq, cur.quality, captureMs, now, r.hash, osd));
      }
    } else {
      this.counters.framesEncoded++;
      for (let i = 0; i < task.qualities.length; i++) {
        const q = task.qualities[i];
        const slot = task.outSlots[i];
        const length = r.lengths[i];
        this.counters.encodes++;
        this.encodeMs.add(r.encodeMs[i]);
        this.encodeHistogram.observe(r.encodeMs[i]);
        const cur = store.current(q);
        if (length < 0) {
          this.counters.overflow++;
          slots.release(slot);
          continue;
        }
        if (cur && cur.id >= r.seq) {
          // A later frame already went out: publishing this one would go backwards.
          this.counters.outOfOrder++;
          slots.release(slot);
          continue;
        }
        if (cur) slots.release(cur.slot);
        store.publish(publishFrame(encoded, slot, length, r.seq, q, captureMs, now, r.hash, osd));
      }
      this.#lastHash = r.hash;
    }
    this.#pump();
  }

  #pump(): void {
    const seq = this.#pendingSeq;
    if (seq < 0 || this.#inflight.length >= this.#p.encoder.concurrency) return;
    this.#pendingSeq = -1;
    // The camera may have lapped the waiting frame; then take the newest.
    this.#dispatch(this.#raw.slotSeq(this.#raw.slotOf(seq)) === seq ? seq : this.#raw.latestSeq());
  }
}
