// Sliding-window rate limiter keyed by bucket + client address (the seed's
// per-IP limiter; the original's single global bucket let one client lock
// out everyone). Memory is bounded twice: each key keeps at most
// max_requests timestamps in a fixed ring, and the key table is capped, the
// least recently seen key going first. Idle keys are swept periodically.

import type { RateLimitConfig } from '../config/types.js';

export interface RateDecision {
  allowed: boolean;
  /** Seconds until a request would be allowed again (0 when allowed). */
  retryAfter: number;
}

interface Window {
  /** Request times (ms), a ring of max_requests entries. */
  times: Float64Array;
  /** Index of the oldest entry. */
  head: number;
  count: number;
  /** Newest request time, for idle eviction. */
  last: number;
}

const ALLOWED: RateDecision = Object.freeze({ allowed: true, retryAfter: 0 }) as RateDecision;

export class RateLimiter {
  #windowMs = 0;
  #max = 0;
  #maxKeys = 0;
  /** Map order doubles as recency order: a key is re-inserted on each use. */
  readonly #keys = new Map<string, Window>();
  readonly #sweeper: NodeJS.Timeout;
  readonly #now: () => number;

  constructor(cfg: RateLimitConfig, now: () => number = () => performance.now()) {
    this.#now = now;
    this.configure(cfg);
    this.#sweeper = setInterval(() => this.sweep(), 30_000);
    this.#sweeper.unref();
  }

  /** New limits apply at once (reload tier immediate); old windows are dropped. */
  configure(cfg: RateLimitConfig): void {
    this.#windowMs = cfg.window_s * 1000;
    this.#max = cfg.max_requests;
    this.#maxKeys = cfg.max_clients;
    this.#keys.clear();
  }

  get size(): number {
    return this.#keys.size;
  }

  /** Counts one request by `client` in `bucket` unless over the limit. */
  check(bucket: string, client: string): RateDecision {
    const key = `${bucket}|${client}`;
    const now = this.#now();
    let w = this.#keys.get(key);
    if (w) {
      this.#keys.delete(key);
    } else {
      if (this.#keys.size >= this.#maxKeys) this.#evict(now);
      w = { times: new Float64Array(this.#max), head: 0, count: 0, last: 0 };
    }
    this.#keys.set(key, w);
    // Drop entries that slid out of the window.
    const horizon = now - this.#windowMs;
    while (w.count > 0 && w.times[w.head] <= horizon) {
      w.head = (w.head + 1) % this.#max;
      w.count--;
    }
    if (w.count >= this.#max) {
      const retryAfter = Math.max(1, Math.ceil((w.times[w.head] + this.#windowMs - now) / 1000));
      return { allowed: false, retryAfter };
    }
    w.times[(w.head + w.count) % this.#max] = now;
    w.count++;
    w.last = now;
    return ALLOWED;
  }

  /** Forgets keys with no request inside the window. */
  sweep(now = this.#now()): void {
    const horizon = now - this.#windowMs;
    for (const [key, w] of this.#keys) if (w.last <= horizon) this.#keys.delete(key);
  }

  #evict(now: number): void {
    this.sweep(now);
    // Still full: drop the least recently seen (first in map order).
    while (this.#keys.size >= this.#maxKeys) {
      const oldest = this.#keys.keys().next().value as string;
      this.#keys.delete(oldest);
    }
  }

  close(): void {
    clearInterval(this.#sweeper);
  }
}
