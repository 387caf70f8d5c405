// The capture ring: N raw frames in one SharedArrayBuffer, written by the
// capture thread and read in place by the encode workers. Only slot numbers
// and sequence numbers cross threads (as µStreamer's ring passes indices).
//
// The writer never waits: it overwrites the oldest slot. Readers use the
// slot's sequence number as a seqlock: read it before and after using the
// pixels; a change means the camera lapped the reader and the work is torn.

export const RAW_MAGIC = 0x534b5952; // "SKYR"
export const RAW_VERSION = 1;

// Int32 header fields.
const kMagic = 0;
const kVersion = 1;
const kSlots = 2;
const kWidth = 3;
const kHeight = 4;
const kSlotBytes = 5;
const kLatestSeq = 6;
const kProduced = 7; // frames written in total (wraps at 2^31, ~2 years at 30 fps)
const kConsumed = 8; // newest seq the consumer took, for demand-paced (fps 0) capture
const kStop = 9; // set to 1 to stop the capture thread
const kPaceAhead = 10; // demand-paced capture: frames it may run ahead of kConsumed
const kDemand = 11; // 1 while some consumer of the bus wants frames (capture may idle at 0)
const kHeaderInts = 16;
// Per-slot Int32 fields, after the header.
const kSlotSeq = 0; // -1 while being written
const kSlotBytesUsed = 1;
const kSlotFormat = 2;
const kSlotInts = 4;

export const enum PixelFormat {
  RGB24 = 0,
  YUYV = 1,
  /** A complete JPEG of bytesUsed bytes (MJPEG cameras, ffmpeg -f mjpeg). */
  JPEG = 2,
}

export interface RawRingLayout {
  slots: number;
  width: number;
  height: number;
  slotBytes: number;
}

export class RawRing {
  readonly sab: SharedArrayBuffer;
  readonly slots: number;
  readonly width: number;
  readonly height: number;
  readonly slotBytes: number;
  /** Header and per-slot Int32 fields, accessed with Atomics. */
  readonly #ctl: Int32Array;
  /** Capture time per slot, epoch milliseconds with sub-ms precision. */
  readonly #times: Float64Array;
  /** Pixel views per slot, built once so no per-frame view is allocated. */
  readonly #views: Buffer[];

  private constructor(sab: SharedArrayBuffer) {
    this.sab = sab;
    this.#ctl = new Int32Array(sab, 0, kHeaderInts + 64 * kSlotInts);
    if (this.#ctl[kMagic] !== RAW_MAGIC || this.#ctl[kVersion] !== RAW_VERSION) {
      throw new Error('raw ring: magic/version mismatch');
    }
    this.slots = this.#ctl[kSlots];
    this.width = this.#ctl[kWidth];
    this.height = this.#ctl[kHeight];
    this.slotBytes = this.#ctl[kSlotBytes];
    const timesOffset = RawRing.#timesOffset();
    this.#times = new Float64Array(sab, timesOffset, 64);
    const dataOffset = timesOffset + 64 * 8;
    this.#views = [];
    for (let i = 0; i < this.slots; i++) {
      this.#views.push(Buffer.from(sab, dataOffset + i * this.slotBytes, this.slotBytes));
    }
  }

  static #timesOffset(): number {
    return (kHeaderInts + 64 * kSlotInts) * 4;
  }

  /** Allocates a ring; `slotBytes` is the largest frame a slot holds. */
  static create(layout: RawRingLayout): RawRing {
    if (layout.slots < 2 || layout.slots > 64) throw new RangeError('raw ring: slots must be 2..64');
    const bytes = RawRing.#timesOffset() + 64 * 8 + layout.slots * layout.slotBytes;
    const sab = new SharedArrayBuffer(bytes);
    const ctl = new Int32Array(sab, 0, kHeaderInts + 64 * kSlotInts);
    ctl[kMagic] = RAW_MAGIC;
    ctl[kVersion] = RAW_VERSION;
    ctl[kSlots] = layout.slots;
    ctl[kWidth] = layout.width;
    ctl[kHeight] = layout.height;
    ctl[kSlotBytes] = layout.slotBytes;
    ctl[kLatestSeq] = -1;
    ctl[kConsumed] = -1;
    for (let i = 0; i < layout.slots; i++) ctl[kHeaderInts + i * kSlotInts + kSlotSeq] = -1;
    return new RawRing(sab);
  }

  /** Opens a ring created elsewhere (another thread). */
  static attach(sab: SharedArrayBuffer): RawRing {
    return new RawRing(sab);
  }

  slotOf(seq: number): number {
    return seq % this.slots;
  }

  // ---- writer side (one capture thread) ----

  /** Claims the slot for `seq` and marks it as being written. */
  beginWrite(seq: number): Buffer {
    const slot = seq % this.slots;
    Atomics.store(this.#ctl, kHeaderInts + slot * kSlotInts + kSlotSeq, -1);
    return this.#views[slot];
  }

  /** Publishes the frame: bytes used, format and capture time. */
  commitWrite(seq: number, bytesUsed: number, format: PixelFormat, captureEpochMs: number): void {
    const slot = seq % this.slots;
    const base = kHeaderInts + slot * kSlotInts;
    this.#times[slot] = captureEpochMs;
    Atomics.store(this.#ctl, base + kSlotBytesUsed, bytesUsed);
    Atomics.store(this.#ctl, base + kSlotFormat, format);
    Atomics.store(this.#ctl, base + kSlotSeq, seq);
    Atomics.store(this.#ctl, kLatestSeq, seq);
    Atomics.add(this.#ctl, kProduced, 1);
  }

  // ---- reader side ----

  latestSeq(): number {
    return Atomics.load(this.#ctl, kLatestSeq);
  }

  /** The sequence number now in `slot`, or -1 while it is being written. */
  slotSeq(slot: number): number {
    return Atomics.load(this.#ctl, kHeaderInts + slot * kSlotInts + kSlotSeq);
  }

  bytesUsed(slot: number): number {
    return Atomics.load(this.#ctl, kHeaderInts + slot * kSlotInts + kSlotBytesUsed);
  }

  format(slot: number): PixelFormat {
    return Atomics.load(this.#ctl, kHeaderInts + slot * kSlotInts + kSlotFormat) as PixelFormat;
  }

  captureTime(slot: number): number {
    return this.#times[slot];
  }

  /** The slot's whole pixel area; callers slice by bytesUsed when needed. */
  view(slot: number): Buffer {
    return this.#views[slot];
  }

  // ---- pacing and stop signals between main thread and capture thread ----

  markConsumed(seq: number): void {
    Atomics.store(this.#ctl, kConsumed, seq);
    Atomics.notify(this.#ctl, kConsumed);
  }

  consumed(): number {
    return Atomics.load(this.#ctl, kConsumed);
  }

  /**
   * How many frames a demand-paced (fps 0) capture may run ahead of the
   * oldest frame in flight: enough to keep every encoder fed, and never a
   * whole ring, so a frame being encoded is never overwritten.
   */
  setPaceAhead(frames: number): void {
    Atomics.store(this.#ctl, kPaceAhead, Math.max(1, Math.min(this.slots - 1, frames)));
  }

  paceAhead(): number {
    return Atomics.load(this.#ctl, kPaceAhead) || this.slots >> 1;
  }

  /** Blocks the calling (capture) thread until consumed changes or timeout. */
  waitConsumed(seenValue: number, timeoutMs: number): void {
    Atomics.wait(this.#ctl, kConsumed, seenValue, timeoutMs);
  }

  /** Sleeps the capture thread; returns early when stop() is called. */
  sleep(ms: number): void {
    if (ms > 0) Atomics.wait(this.#ctl, kStop, 0, ms);
  }

  stop(): void {
    Atomics.store(this.#ctl, kStop, 1);
    Atomics.notify(this.#ctl, kStop);
    Atomics.notify(this.#ctl, kConsumed);
    Atomics.notify(this.#ctl, kDemand);
  }

  // ---- demand: whether anyone wants frames (set by the frame bus) ----

  /** Sets the demand flag; wakes a capture thread idling on it when demand appears. */
  setDemand(on: boolean): void {
    const v = on ? 1 : 0;
    if (Atomics.exchange(this.#ctl, kDemand, v) !== v && on) Atomics.notify(this.#ctl, kDemand);
  }

  demanded(): boolean {
    return Atomics.load(this.#ctl, kDemand) === 1;
  }

  /** Blocks the capture thread until demand appears, stop() is called, or `timeoutMs` passes. */
  waitDemand(timeoutMs: number): void {
    Atomics.wait(this.#ctl, kDemand, 0, timeoutMs);
  }

  /** Clears the stop flag before a (new) capture thread starts. */
  resetStop(): void {
    Atomics.store(this.#ctl, kStop, 0);
  }

  stopped(): boolean {
    return Atomics.load(this.#ctl, kStop) === 1;
  }
}
