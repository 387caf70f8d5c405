// The last N samples in a fixed Float64Array: bounded memory, no allocation
// per sample. Percentiles are computed on demand (by /stats), not per frame.

export class TimingWindow {
  readonly #samples: Float64Array;
  #count = 0;
  #next = 0;

  constructor(size = 1024) {
    this.#samples = new Float64Array(size);
  }

  add(v: number): void {
    this.#samples[this.#next] = v;
    this.#next = (this.#next + 1) % this.#samples.length;
    if (this.#count < this.#samples.length) this.#count++;
  }

  get count(): number {
    return this.#count;
  }

  /** p in [0,100]; 0 when empty. Nearest-rank on a sorted copy. */
  percentile(p: number): number {
    if (this.#count === 0) return 0;
    const sorted = this.#samples.slice(0, this.#count).sort();
    const rank = Math.min(this.#count - 1, Math.max(0, Math.ceil((p / 100) * this.#count) - 1));
    return sorted[rank];
  }
}
