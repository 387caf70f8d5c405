// A small typed event emitter: listeners of one event never break the emitter
// or each other (an exception in a listener is reported to `onListenerError`,
// the log by default), so an audit-log bug cannot stop a vehicle stop.

import { logger } from '../util/log.js';

type Listener<A extends unknown[]> = (...args: A) => void;

export class TypedEmitter<E extends { [K in keyof E]: unknown[] }> {
  /** Listeners per event name; a Set so that off() is O(1) and duplicates collapse. */
  readonly #listeners = new Map<keyof E, Set<Listener<never[]>>>();
  /** Where a throwing listener is reported. */
  onListenerError: (err: unknown, event: keyof E) => void = (err, event) =>
    logger('vehicle').error({ err, event: String(event) }, `listener for ${String(event)} threw`);

  on<K extends keyof E>(event: K, fn: Listener<E[K]>): this {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(fn as unknown as Listener<never[]>);
    return this;
  }

  off<K extends keyof E>(event: K, fn: Listener<E[K]>): this {
    this.#listeners.get(event)?.delete(fn as unknown as Listener<never[]>);
    return this;
  }

  protected emit<K extends keyof E>(event: K, ...args: E[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const fn of set) {
      try {
        (fn as unknown as Listener<E[K]>)(...args);
      } catch (err) {
        this.onListenerError(err, event);
      }
    }
  }

  protected removeAllListeners(): void {
    this.#listeners.clear();
  }
}
