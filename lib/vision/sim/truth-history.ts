// Ground truth kept by frame id for /api/sim/targets?frame_id=N: a ring of
// the last N frames' target boxes in flat typed arrays, so recording a frame
// allocates nothing and memory is fixed. Sized by time: capacity =
// seconds × max fps (default 12 s × 60 fps = 720 frames ≈ 70 KiB with 2
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

export class TruthHistory {
  readonly capacity: number;
  readonly maxTargets: number;
  /** Frame id per slot (−1: empty), its time and target count. */
  readonly #ids: Float64Array;
  readonly #times: Float64Array;
  readonly #counts: Uint8Array;
  /** Per slot and target: id, x, y, w, h, visible. */
  readonly #boxes: Float64Array;
  /** Class names by target id (set on first sight; a scene's targets keep their class). */
  readonly #names = new Map<number, string>();

  constructor(o: TruthHistoryOptions = {}) {
    this.capacity = o.capacity ?? 720;
    this.maxTargets = o.maxTargets ?? 8;
    if (!Number.isInteger(this.capacity) || this.capacity < 1 || this.capacity > 1e6) {
      throw new RangeError(`capacity must be an integer within 1..1e6, got ${this.capacity}`);
    }
    if (!Number.isInteger(this.maxTargets) || this.maxTargets < 1 || this.maxTargets > 255) {
      throw new RangeError(`maxTargets must be within 1..255, got ${this.maxTargets}`);
    }
    this.#ids = new Float64Array(this.capacity).fill(-1);
    this.#times = new Float64Array(this.capacity);
    this.#counts = new Uint8Array(this.capacity);
    this.#boxes = new Float64Array(this.capacity * this.maxTargets * 6);
  }

  /** Records frame `frameId` (non-negative integer) captured at `timestamp`. */
  record(frameId: number, timestamp: number, targets: readonly TargetTruth[]): void {
    if (!Number.isInteger(frameId) || frameId < 0) throw new RangeError(`frame id must be a non-negative integer, got ${frameId}`);
    const slot = frameId % this.capacity;
    this.#ids[slot] = frameId;
    this.#times[slot] = timestamp;
    const n = Math.min(targets.length, this.maxTargets);
    this.#counts[slot] = n;
    let o = slot * this.maxTargets * 6;
    for (let k = 0; k < n; k++, o += 6) {
      const t = targets[k];
      if (!this.#names.has(t.id) && this.#names.size < 1024) this.#names.set(t.id, t.class_name);
      this.#boxes[o] = t.id;
      this.#boxes[o + 1] = t.bbox[0];
      this.#boxes[o + 2] = t.bbox[1];
      this.#boxes[o + 3] = t.bbox[2];
      this.#boxes[o + 4] = t.bbox[3];
      this.#boxes[o + 5] = t.visible ? 1 : 0;
    }
  }

  /** The record of `frameId`, or null when it is not (or no longer) kept. */
  get(frameId: number): TruthRecord | null {
    if (!Number.isInteger(frameId) || frameId < 0) return null;
    const slot = frameId % this.capacity;
    if (this.#ids[slot] !== frameId) return null;
    const targets: TargetTruth[] = [];
    let o = slot * this.maxTargets * 6;
    for (let k = 0; k < this.#counts[slot]; k++, o += 6) {
      const id = this.#boxes[o];
      targets.push({
        id, class_name: this.#names.get(id) ?? 'object',
        bbox: [this.#boxes[o + 1], this.#boxes[o + 2], this.#boxes[o + 3], this.#boxes[o + 4]],
        visible: this.#boxes[o + 5] === 1,
      });
    }
    return { frame_id: frameId, timestamp: this.#times[slot], targets };
  }

  /** Newest frame id recorded, or −1. */
  latest(): number {
    let best = -1;
    for (let i = 0; i < this.capacity; i++) if (this.#ids[i] > best) best = this.#ids[i];
    return best;
  }
}
