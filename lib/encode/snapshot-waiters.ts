// Snapshot requests waiting for the next frame of their tier. Bounded: past
// MAX_SNAPSHOT_WAITERS a request is answered at once with no frame (503),
// and every waiter times out.

import type { EncodedFrame } from './encoded-frame.js';

interface Waiter {
  quality: number;
  resolve: (frame: EncodedFrame | null) => void;
  timer: NodeJS.Timeout;
}

/** Snapshot requests waiting for a fresh frame; beyond this they are refused. */
export const MAX_SNAPSHOT_WAITERS = 256;

export class SnapshotWaiters {
  #waiters: Waiter[] = [];
  #closed = false;

  get size(): number {
    return this.#waiters.length;
  }

  /** Whether any request waits for `quality` (its tier must be encoded). */
  wants(quality: number): boolean {
    for (const w of this.#waiters) if (w.quality === quality) return true;
    return false;
  }

  /** Qualities some request waits for. */
  qualities(): number[] {
    const out: number[] = [];
    for (const w of this.#waiters) if (!out.includes(w.quality)) out.push(w.quality);
    return out;
  }

  /** Resolves with the next frame of `quality`, or null after `timeoutMs` (or when full / closed). */
  wait(quality: number, timeoutMs: number): Promise<EncodedFrame | null> {
    if (this.#waiters.length >= MAX_SNAPSHOT_WAITERS || this.#closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        quality, resolve,
        timer: setTimeout(() => {
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          resolve(null);
        }, timeoutMs),
      };
      this.#waiters.push(waiter);
    });
  }

  deliver(frame: EncodedFrame): void {
    if (this.#waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const w of this.#waiters) {
      if (w.quality === frame.quality) {
        clearTimeout(w.timer);
        w.resolve(frame);
      } else still.push(w);
    }
    this.#waiters = still;
  }

  close(): void {
    this.#closed = true;
    for (const w of this.#waiters) {
      clearTimeout(w.timer);
      w.resolve(null);
    }
    this.#waiters = [];
  }
}
