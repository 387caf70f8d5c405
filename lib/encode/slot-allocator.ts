// Encoded-ring slots: lent to an encode task for each tier it encodes, kept
// by the tier's current frame once published, and returned when a newer
// frame replaces it. When none is free, the current frame of a tier nobody
// streams any more gives up its slot.

import type { FrameStore } from './frame-store.js';
import type { TierDemand } from './tier-demand.js';

export class SlotAllocator {
  /** Slots neither lent to a task nor holding a current frame. */
  readonly #free: number[] = [];
  readonly #store: FrameStore;
  readonly #demand: TierDemand;

  constructor(slots: number, store: FrameStore, demand: TierDemand) {
    for (let i = slots - 1; i >= 0; i--) this.#free.push(i);
    this.#store = store;
    this.#demand = demand;
  }

  /** A slot, or -1 when every slot is in use by a streamed tier or a task. */
  take(): number {
    const slot = this.#free.pop();
    if (slot !== undefined) return slot;
    for (const [q, frame] of this.#store.entries()) {
      if (!this.#demand.has(q)) {
        this.#store.drop(q);
        return frame.slot;
      }
    }
    return -1;
  }

  release(slot: number): void {
    this.#free.push(slot);
  }
}
