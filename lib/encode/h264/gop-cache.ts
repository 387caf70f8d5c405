// The current GOP (last IDR and every access unit after it) in one
// preallocated arena, so a peer that joins mid-stream can start decoding at
// once instead of waiting up to a GOP for the next IDR. Bounded twice: by
// bytes (the arena) and by count; a GOP that outgrows either is dropped and
// joiners wait for the next IDR, which is always correct, only slower.

import type { AccessUnit } from './access-unit.js';

export interface GopCacheOptions {
  /**
   * Arena size. A 1 s GOP at 1 Mbit/s is ~130 KB, at 8 Mbit/s ~1 MB: the
   * default 4 MiB holds a 4 s GOP at 8 Mbit/s.
   */
  maxBytes: number;
  /** Access units kept (default 300: 10 s at 30 fps). */
  maxUnits: number;
}

export interface GopCacheStats {
  units: number;
  bytes: number;
  /** GOPs that outgrew the cache (joiners then wait for the next IDR). */
  overflows: number;
}

export class GopCache {
  /** AU bytes of the current GOP, written front to back; reset at each IDR. */
  readonly #arena: Buffer;
  readonly #maxUnits: number;
  /** The cached GOP, oldest first (its own list: gop() hands it out read-only). */
  readonly #units: AccessUnit[] = [];
  /** Next free arena byte. */
  #write = 0;
  /** False from an overflow until the next IDR. */
  #valid = false;
  #overflows = 0;

  constructor(o: GopCacheOptions) {
    if (!Number.isInteger(o.maxBytes) || o.maxBytes < 1024) throw new TypeError('gop maxBytes must be an integer >= 1024');
    if (!Number.isInteger(o.maxUnits) || o.maxUnits < 1) throw new TypeError('gop maxUnits must be a positive integer');
    this.#arena = Buffer.allocUnsafe(o.maxBytes);
    this.#maxUnits = o.maxUnits;
  }

  get capacity(): number {
    return this.#arena.length;
  }

  /**
   * Where to write the next access unit of `bytes` bytes: an arena view the
   * caller fills, then passes to commit(). null when it cannot fit even in an
   * empty arena (the caller drops it).
   */
  reserve(bytes: number, keyframe: boolean): Buffer | null {
    if (bytes > this.#arena.length) {
      this.#drop();
      return null;
    }
    if (keyframe) {
      this.#units.length = 0;
      this.#write = 0;
      this.#valid = true;
    } else if (this.#valid && (this.#write + bytes > this.#arena.length || this.#units.length >= this.#maxUnits)) {
      this.#drop();
    }
    // Outside a valid GOP nothing else refers to the arena: reuse it from the start.
    if (!this.#valid && this.#write + bytes > this.#arena.length) this.#write = 0;
    return this.#arena.subarray(this.#write, this.#write + bytes);
  }

  /** Records the access unit whose bytes were written into the last reserve()d view. */
  commit(au: AccessUnit): void {
    this.#write += au.data.length;
    if (this.#valid) this.#units.push(au);
  }

  #drop(): void {
    if (this.#valid) this.#overflows++;
    this.#valid = false;
    this.#units.length = 0;
  }

  /** Forgets the GOP (the encoder restarted: the next stream starts with its own IDR). */
  clear(): void {
    this.#valid = false;
    this.#units.length = 0;
    this.#write = 0;
  }

  units(): readonly AccessUnit[] {
    return this.#units;
  }

  stats(): GopCacheStats {
    return { units: this.#units.length, bytes: this.#valid ? this.#write : 0, overflows: this.#overflows };
  }
}
