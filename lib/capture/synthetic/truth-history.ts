// Ground truth kept by frame id for /api/sim/targets?frame_id=N: a ring of
// the last N frames' target boxes in one SharedArrayBuffer. The camera
// thread records each frame as it renders it (no message per frame, no
// allocation); the main thread reads it. Each slot's frame id works as a
// seqlock: -1 while the slot is written, so a read that races the writer
// returns null rather than a mix of two frames. Sized by time: capacity =
// seconds × max fps (default 12 s × 60 fps = 720 frames ≈ 70 KiB with 8
// targets), covering the "last ≥ 10 s" at any camera rate up to 60.

import type { TargetTruth } from './aerial-scene.js';

export interface TruthHistoryOptions {
  /** Frames kept. */
  capacity?: number;
  /** Targets per frame (more are dropped). */
  maxTargets?: number;
}

export interface TruthRecord {
  frame_id: number;
  /** Capture time, s since the epoch. */
  timestamp: number;
  targets: TargetTruth[];
}

const HEADER_INTS = 2; // capacity, maxTargets
/** Per slot and target: id, x, y, w, h, visible. */
const FIELDS = 6;

export class TruthHistory {
  readonly sab: SharedArrayBuffer;
  readonly capacity: number;
  readonly maxTargets: number;
  /** Frame id per slot (-1: empty or being written). */
  readonly #ids: Int32Array;
  readonly #times: Float64Array;
  readonly #counts: Int32Array;
  readonly #boxes: Float64Array;
  /** Class names by target id (a scene's targets keep their class); set by the reader's side. */
  readonly #names = new Map<number, string>();

  constructor(o: TruthHistoryOptions | SharedArrayBuffer = {}) {
    if (o instanceof SharedArrayBuffer) {
      const head = new Int32Array(o, 0, HEADER_INTS);
      this.capacity = head[0];
      this.maxTargets = head[1];
      this.sab = o;
    } else {
      this.capacity = o.capacity ?? 720;
      this.maxTargets = o.maxTargets ?? 8;
      if (!Number.isInteger(this.capacity) || this.capacity < 1 || this.capacity > 1e6) {
        throw new RangeError(`capacity must be an integer within 1..1e6, got ${this.capacity}`);
      }
      if (!Number.isInteger(this.maxTargets) || this.maxTargets < 1 || this.maxTargets > 255) {
        throw new RangeError(`maxTargets must be within 1..255, got ${this.maxTargets}`);
      }
      this.sab = new SharedArrayBuffer(TruthHistory.#bytes(this.capacity, this.maxTargets));
      const head = new Int32Array(this.sab, 0, HEADER_INTS);
      head[0] = this.capacity;
      head[1] = this.maxTargets;
    }
    const c = this.capacity;
    let off = HEADER_INTS * 4;
    this.#ids = new Int32Array(this.sab, off, c);
    off += c * 4;
    this.#counts = new Int32Array(this.sab, off, c);
    off += c * 4;
    off = Math.ceil(off / 8) * 8;
    this.#times = new Float64Array(this.sab, off, c);
    off += c * 8;
    this.#boxes = new Float64Array(this.sab, off, c * this.maxTargets * FIELDS);
    if (!(o instanceof SharedArrayBuffer)) this.#ids.fill(-1);
  }

  static #bytes(capacity: number, maxTargets: number): number {
    return Math.ceil((HEADER_INTS * 4 + capacity * 8) / 8) * 8 + capacity * 8 + capacity * maxTargets * FIELDS * 8;
  }

  /** Class names for target ids (the truth carries them; the shared ring keeps numbers only). */
  setNames(names: ReadonlyMap<number, string> | Iterable<[number, string]>): void {
    for (const [id, name] of names) if (this.#names.size < 1024) this.#names.set(id, name);
  }

  /** Records frame `frameId` (non-negative integer) captured at `timestamp` (s). Allocation-free. */
  record(frameId: number, timestamp: number, targets: readonly TargetTruth[]): void {
    if (!Number.isInteger(frameId) || frameId < 0) throw new RangeError(`frame id must be a non-negative integer, got ${frameId}`);
    const slot = frameId % this.capacity;
    Atomics.store(this.#ids, slot, -1);
    this.#times[slot] = timestamp;
    const n = Math.min(targets.length, this.maxTargets);
    this.#counts[slot] = n;
    let o = slot * this.maxTargets * FIELDS;
    for (let k = 0; k < n; k++, o += FIELDS) {
      const t = targets[k];
      if (!this.#names.has(t.id) && this.#names.size < 1024) this.#names.set(t.id, t.class_name);
      this.#boxes[o] = t.id;
      this.#boxes[o + 1] = t.bbox[0];
      this.#boxes[o + 2] = t.bbox[1];
      this.#boxes[o + 3] = t.bbox[2];
      this.#boxes[o + 4] = t.bbox[3];
      this.#boxes[o + 5] = t.visible ? 1 : 0;
    }
    Atomics.store(this.#ids, slot, frameId);
  }

  /** The record of `frameId`, or null when it is not (or no longer, or not yet fully) kept. */
  get(frameId: number): TruthRecord | null {
    if (!Number.isInteger(frameId) || frameId < 0) return null;
    const slot = frameId % this.capacity;
    if (Atomics.load(this.#ids, slot) !== frameId) return null;
    const timestamp = this.#times[slot];
    const targets: TargetTruth[] = [];
    let o = slot * this.maxTargets * FIELDS;
    for (let k = 0; k < Math.min(this.#counts[slot], this.maxTargets); k++, o += FIELDS) {
      const id = this.#boxes[o];
      targets.push({
        id, class_name: this.#names.get(id) ?? 'object',
        bbox: [this.#boxes[o + 1], this.#boxes[o + 2], this.#boxes[o + 3], this.#boxes[o + 4]],
        visible: this.#boxes[o + 5] === 1,
      });
    }
    // Rewritten while we read (the camera lapped the ring): no answer rather than a mix.
    if (Atomics.load(this.#ids, slot) !== frameId) return null;
    return { frame_id: frameId, timestamp, targets };
  }

  /** Newest frame id recorded, or −1. */
  latest(): number {
    let best = -1;
    for (let i = 0; i < this.capacity; i++) {
      const id = Atomics.load(this.#ids, i);
      if (id > best) best = id;
    }
    return best;
  }
}
