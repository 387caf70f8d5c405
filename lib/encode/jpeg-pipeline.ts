// The JPEG side of the engine, assembled: an encoded ring, the frame store
// and snapshot waiters, the slot allocator, tier demand, and the encode
// scheduler subscribed to the frame bus. The stream layer talks to this
// object only: demand in, frames out, snapshots on request.

import type { FrameBus, Subscription } from '../bus/frame-bus.js';
import { EncodedRing, jpegCapacity } from './encoded-ring.js';
import type { EncodedFrame } from './encoded-frame.js';
import { FrameStore, type FrameListener } from './frame-store.js';
import { SnapshotWaiters } from './snapshot-waiters.js';
import { SlotAllocator } from './slot-allocator.js';
import { TierDemand } from './tier-demand.js';
import { EncodeScheduler, type EncodeCounters } from './encode-scheduler.js';
import type { JpegEncoder } from './jpeg-encoder.js';
import type { EncodeWorkerData } from './messages.js';
import type { OsdSource } from './osd/osd-state.js';
import type { TimingWindow } from '../util/timing-window.js';
import type { LatencyHistogram } from '../util/latency-histogram.js';

export interface JpegPipelineOptions {
  /** Encoded-ring slots (see lib/policy/encoded-slots.ts). */
  encodedSlots: number;
  skipIdentical: boolean;
  enableCache: boolean;
  cacheTtlMs: number;
  /** OSD drawn on the encoders' copies and the tracker box in each frame's WS meta; none: neither. */
  osd?: OsdSource;
}

export type { EncodeCounters, FrameListener };

export class JpegPipeline {
  readonly encoded: EncodedRing;
  readonly #bus: FrameBus;
  readonly #encoder: JpegEncoder;
  readonly #opts: JpegPipelineOptions;
  readonly #demand = new TierDemand();
  readonly #waiters = new SnapshotWaiters();
  readonly #store = new FrameStore(this.#waiters);
  readonly #scheduler: EncodeScheduler;
  /** The scheduler's place on the bus (its taken / idle counters). */
  readonly subscription: Subscription;
  #closed = false;

  constructor(bus: FrameBus, encoder: JpegEncoder, opts: JpegPipelineOptions) {
    this.#bus = bus;
    this.#encoder = encoder;
    this.#opts = opts;
    const raw = bus.ring;
    this.encoded = new EncodedRing({ slots: opts.encodedSlots, capacity: jpegCapacity(raw.width, raw.height) });
    // A demand-paced camera may run as many frames ahead as encodes can be in flight.
    raw.setPaceAhead(encoder.concurrency);
    this.#scheduler = new EncodeScheduler({
      bus, encoded: this.encoded, encoder, store: this.#store, waiters: this.#waiters,
      slots: new SlotAllocator(opts.encodedSlots, this.#store, this.#demand), demand: this.#demand,
      skipIdentical: opts.skipIdentical, osd: opts.osd,
    });
    this.subscription = bus.subscribe(this.#scheduler);
  }

  /** Starts the encoder (threads, warm-up). Frames flow once a source publishes to the bus. */
  async start(): Promise<void> {
    const raw = this.#bus.ring;
    const data: EncodeWorkerData = {
      rawSab: raw.sab, encodedSab: this.encoded.sab,
      raw: { slots: raw.slots, width: raw.width, height: raw.height, slotBytes: raw.slotBytes },
      encoded: { slots: this.encoded.slots, capacity: this.encoded.capacity },
    };
    await this.#encoder.start(data);
  }

  get workers(): number {
    return this.#encoder.concurrency;
  }

  get counters(): EncodeCounters {
    return this.#scheduler.counters;
  }

  get encodeMs(): TimingWindow {
    return this.#scheduler.encodeMs;
  }

  /** Every encode's duration since start (for /metrics). */
  get encodeHistogram(): LatencyHistogram {
    return this.#scheduler.encodeHistogram;
  }

  get inflight(): number {
    return this.#scheduler.inflight;
  }

  get lastWorkerError(): string | null {
    return this.#scheduler.lastWorkerError;
  }

  get listenerErrors(): number {
    return this.#store.listenerErrors;
  }

  get lastListenerError(): string | null {
    return this.#store.lastListenerError;
  }

  /** Times the encoder replaced its threads after losing work or threads. */
  get poolRestarts(): number {
    return this.#encoder.restarts;
  }

  /** The encoder's threads (fault-injection tests terminate one). */
  get threads(): readonly { terminate(): Promise<number> }[] {
    return this.#encoder.threads;
  }

  onFrame(listener: FrameListener): void {
    this.#store.onFrame(listener);
  }

  current(quality: number): EncodedFrame | undefined {
    return this.#store.current(quality);
  }

  /** Encoded frames held for reuse (/stats cache_size). */
  qualitiesCached(): number {
    return this.#store.size;
  }

  /** Qualities with at least one stream client. */
  qualitiesInDemand(): number[] {
    return [...this.#demand.tiers()];
  }

  /** A stream client starts (+1) or stops (-1) wanting `quality`. */
  addDemand(quality: number, delta: number): void {
    this.#demand.add(quality, delta);
    // New demand wakes a demand-paced camera.
    if (delta > 0) this.#bus.release();
  }

  /** The tier served with a JPEG source's own bytes (MJPEG passthrough); -1: none. */
  setPassthroughQuality(tier: number): void {
    this.#scheduler.setPassthroughQuality(tier);
  }

  /**
   * The newest frame at `quality`: the cached one while it is younger than
   * cache_ttl_ms (or the tier is streaming anyway), else the next one encoded.
   * Resolves null if none arrives within `timeoutMs` or too many wait.
   */
  snapshot(quality: number, timeoutMs: number): Promise<EncodedFrame | null> {
    const cur = this.#store.current(quality);
    const now = performance.timeOrigin + performance.now();
    const ttl = this.#opts.enableCache ? this.#opts.cacheTtlMs : 0;
    if (cur && (now - cur.captureMs <= ttl || (this.#demand.has(quality) && now - cur.readyMs < 1000))) {
      return Promise.resolve(cur);
    }
    if (this.#closed) return Promise.resolve(null);
    const frame = this.#waiters.wait(quality, timeoutMs);
    this.#bus.release();
    return frame;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#scheduler.close();
    this.subscription.close();
    this.#waiters.close();
    await this.#encoder.close();
  }
}
