// The frame bus: the raw ring plus the consumers that read it. A source
// publishes each new frame; every consumer (the JPEG encoder now; later the
// H.264 encoder, the tracker, a recorder) has declared its appetite and is
// offered the frame only when it is due and wanted. The producer never
// waits for a consumer: each one keeps its own bounded backlog (at most its
// in-flight frames plus the newest waiting one) and counts its own losses,
// as go2rtc's senders do. Demand is derived from the live consumers, so
// capture knows when nobody wants frames.

import { RawRing, type RawRingLayout } from './raw-ring.js';

/** What a consumer of raw frames declares and does. */
export interface FrameConsumer {
  readonly name: string;
  /** 0: every frame; N: at most N frames a second (the newest when one is due). */
  readonly maxFps: number;
  /** Wants frames now (has viewers, is tracking ...). Asked once per frame: keep it cheap. */
  hasDemand(): boolean;
  /**
   * Frame `seq` is complete in the ring. Must not block: a busy consumer
   * keeps the newest waiting frame and drops the older one (newest wins).
   */
  take(seq: number): void;
  /** The oldest frame it still reads, -1 when none: a demand-paced camera must not overwrite it. */
  oldestInUse(): number;
}

/** Per-consumer counters, shown by /stats; plain numbers, read without allocating. */
export interface ConsumerCounters {
  /** Frames handed to the consumer. */
  taken: number;
  /** Frames not offered because the consumer's rate cap said not yet. */
  rateSkipped: number;
  /** Frames not offered because the consumer wanted none. */
  idleSkipped: number;
}

export class Subscription {
  readonly consumer: FrameConsumer;
  readonly counters: ConsumerCounters = { taken: 0, rateSkipped: 0, idleSkipped: 0 };
  /** Minimum capture-time gap between frames taken; 0 for every frame. */
  readonly #minGapMs: number;
  #lastTakenMs = -Infinity;
  readonly #bus: FrameBus;

  constructor(bus: FrameBus, consumer: FrameConsumer) {
    this.#bus = bus;
    this.consumer = consumer;
    // 10 % slack absorbs capture jitter: a consumer capped at the camera's
    // own rate still gets every frame.
    this.#minGapMs = consumer.maxFps > 0 ? 900 / consumer.maxFps : 0;
  }

  /** Allocation-free: runs per frame per consumer. */
  offer(seq: number, captureMs: number): void {
    const c = this.consumer;
    if (!c.hasDemand()) {
      this.counters.idleSkipped++;
      return;
    }
    if (captureMs - this.#lastTakenMs < this.#minGapMs) {
      this.counters.rateSkipped++;
      return;
    }
    this.#lastTakenMs = captureMs;
    this.counters.taken++;
    c.take(seq);
  }

  /** Stops offering frames to the consumer. Idempotent. */
  close(): void {
    this.#bus.unsubscribe(this);
  }
}

export class FrameBus {
  readonly ring: RawRing;
  /** Frames published since start (capture's count, NO SIGNAL frames included). */
  published = 0;
  /** Indexed array rather than a Set: no iterator object per frame. */
  readonly #subs: Subscription[] = [];
  /** The sink a source writes to; bound once. */
  readonly sink = { frame: (seq: number): void => this.publish(seq) };

  constructor(layout: RawRingLayout) {
    this.ring = RawRing.create(layout);
  }

  subscribe(consumer: FrameConsumer): Subscription {
    const s = new Subscription(this, consumer);
    this.#subs.push(s);
    return s;
  }

  unsubscribe(s: Subscription): void {
    const i = this.#subs.indexOf(s);
    if (i >= 0) this.#subs.splice(i, 1);
    this.release();
  }

  /** Frame `seq` is complete in the ring: offer it to every consumer. */
  publish(seq: number): void {
    this.published++;
    const captureMs = this.ring.captureTime(this.ring.slotOf(seq));
    for (let i = 0; i < this.#subs.length; i++) this.#subs[i].offer(seq, captureMs);
    // Demand can fall away between frames (the last viewer left): tell capture.
    this.ring.setDemand(this.hasDemand());
  }

  /** Whether any consumer wants frames now. */
  hasDemand(): boolean {
    for (let i = 0; i < this.#subs.length; i++) if (this.#subs[i].consumer.hasDemand()) return true;
    return false;
  }

  /**
   * Tells capture what consumers want now: a demand-paced camera (fps 0)
   * may run up to the oldest frame any consumer still reads (or the newest
   * when none reads one), and an idle camera wakes when demand appears.
   * Consumers call it when they finish a frame or start wanting frames.
   */
  release(): void {
    let oldest = this.ring.latestSeq();
    for (let i = 0; i < this.#subs.length; i++) {
      const s = this.#subs[i].consumer.oldestInUse();
      if (s >= 0 && s < oldest) oldest = s;
    }
    this.ring.markConsumed(oldest);
    this.ring.setDemand(this.hasDemand());
  }

  /** Consumers and their counters, for /stats. */
  subscriptions(): readonly Subscription[] {
    return this.#subs;
  }
}
