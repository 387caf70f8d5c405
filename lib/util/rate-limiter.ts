// Sliding-window rate limiter keyed by bucket + client address (one global
// bucket would let one client lock out everyone). Memory is bounded three ways: each key keeps at most
// max_requests timestamps in a ring that starts small and grows only as the
// client actually sends; the key table is capped, the least recently seen
// key going first; and the config loader caps max_requests × max_clients
// (MAX_TIMESTAMPS). Idle keys are swept periodically.

/** The limits (config.rate_limit has them). */
export interface RateLimitConfig {
  window_s: number;
  max_requests: number;
  max_clients: number;
}

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

/** Worst case held across all keys: 2^22 timestamps, 32 MiB (checked at config load). */
export const MAX_TIMESTAMPS = 2 ** 22;
/** A new key's ring; it doubles up to max_requests as the client sends. */
const INITIAL_RING = 8;

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
      w = { times: new Float64Array(Math.min(this.#max, INITIAL_RING)), head: 0, count: 0, last: 0 };
    }
    this.#keys.set(key, w);
    // Drop entries that slid out of the window.
    const horizon = now - this.#windowMs;
    let cap = w.times.length;
    while (w.count > 0 && w.times[w.head] <= horizon) {
      w.head = (w.head + 1) % cap;
      w.count--;
    }
    if (w.count >= this.#max) {
      const retryAfter = Math.max(1, Math.ceil((w.times[w.head] + this.#windowMs - now) / 1000));
      return { allowed: false, retryAfter };
    }
    if (w.count === cap) cap = grow(w, Math.min(this.#max, cap * 2));
    w.times[(w.head + w.count) % cap] = now;
    w.count++;
    w.last = now;
    return ALLOWED;
  }

  /** Whether `client` is already over the limit in `bucket`, without counting a request. */
  peek(bucket: string, client: string): RateDecision {
    const w = this.#keys.get(`${bucket}|${client}`);
    if (!w) return ALLOWED;
    const now = this.#now();
    const horizon = now - this.#windowMs;
    // Entries that slid out of the window do not count (check() drops them later).
    let live = w.count;
    let i = w.head;
    while (live > 0 && w.times[i] <= horizon) {
      i = (i + 1) % w.times.length;
      live--;
    }
    if (live < this.#max) return ALLOWED;
    return { allowed: false, retryAfter: Math.max(1, Math.ceil((w.times[i] + this.#windowMs - now) / 1000)) };
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

/** Moves a full ring into a larger one, oldest first; returns the new capacity. */
function grow(w: Window, capacity: number): number {
  const times = new Float64Array(capacity);
  const old = w.times;
  for (let i = 0; i < w.count; i++) times[i] = old[(w.head + i) % old.length];
  w.times = times;
  w.head = 0;
  return capacity;
}
