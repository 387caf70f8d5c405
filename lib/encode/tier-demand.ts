// Which quality tiers are wanted, and by how many stream clients. A tier
// with no client is not encoded (a snapshot waiter asks separately).

export class TierDemand {
  /** Clients per tier; a tier is present only while its count is > 0. */
  readonly #count = new Map<number, number>();

  /** A client starts (+1) or stops (-1) wanting `quality`. */
  add(quality: number, delta: number): void {
    const n = (this.#count.get(quality) ?? 0) + delta;
    if (n <= 0) this.#count.delete(quality);
    else this.#count.set(quality, n);
  }

  has(quality: number): boolean {
    return this.#count.has(quality);
  }

  get size(): number {
    return this.#count.size;
  }

  tiers(): IterableIterator<number> {
    return this.#count.keys();
  }
}
