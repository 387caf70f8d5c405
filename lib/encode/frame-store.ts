// The newest encoded frame per quality tier, and the one place a frame is
// published: stored as the tier's current frame, handed to every listener
// (the fan-out), and to the snapshot requests waiting for its tier.

import type { EncodedFrame } from './encoded-frame.js';
import type { SnapshotWaiters } from './snapshot-waiters.js';

export type FrameListener = (frame: EncodedFrame) => void;

export class FrameStore {
  /** Newest published frame per quality. */
  readonly #current = new Map<number, EncodedFrame>();
  readonly #listeners: FrameListener[] = [];
  readonly #waiters: SnapshotWaiters;
  /** Listeners that threw (each failure is isolated, see publish). */
  listenerErrors = 0;
  lastListenerError: string | null = null;

  constructor(waiters: SnapshotWaiters) {
    this.#waiters = waiters;
  }

  onFrame(listener: FrameListener): void {
    this.#listeners.push(listener);
  }

  current(quality: number): EncodedFrame | undefined {
    return this.#current.get(quality);
  }

  /** Tiers holding a frame (/stats cache_size). */
  get size(): number {
    return this.#current.size;
  }

  entries(): IterableIterator<[number, EncodedFrame]> {
    return this.#current.entries();
  }

  /** Forgets tier `quality`'s frame (its slot is being reused). */
  drop(quality: number): void {
    this.#current.delete(quality);
  }

  publish(frame: EncodedFrame): void {
    this.#current.set(frame.quality, frame);
    for (let i = 0; i < this.#listeners.length; i++) {
      // A listener's throw would skip the others and the snapshot waiters,
      // and reject inside the encode promise chain: count it instead.
      try {
        this.#listeners[i](frame);
      } catch (err) {
        this.listenerErrors++;
        this.lastListenerError = (err as Error).message;
      }
    }
    this.#waiters.deliver(frame);
  }
}
