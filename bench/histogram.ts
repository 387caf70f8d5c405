// Latency histogram with fixed 0.1 ms bins up to 2 s: merging the
// histograms of several load-generator processes is an element-wise sum, and
// recording a sample allocates nothing.

export const BIN_MS = 0.1;
export const BINS = 20000;

export class LatencyHistogram {
  readonly bins = new Uint32Array(BINS + 1); // last bin: overflow (>= 2 s)
  count = 0;
  /** Samples below zero: the sender's clock ahead of ours (should not happen on one machine). */
  negative = 0;
  sumMs = 0;
  maxMs = 0;

  add(ms: number): void {
    if (ms < 0) {
      this.negative++;
      ms = 0;
    }
    const i = Math.floor(ms / BIN_MS);
    this.bins[i < BINS ? i : BINS]++;
    this.count++;
    this.sumMs += ms;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  reset(): void {
    this.bins.fill(0);
    this.count = this.negative = this.sumMs = this.maxMs = 0;
  }

  /** Non-empty bins as [index, count] pairs: small enough for IPC. */
  toSparse(): SparseHistogram {
    const pairs: number[] = [];
    for (let i = 0; i <= BINS; i++) if (this.bins[i]) pairs.push(i, this.bins[i]);
    return { pairs, count: this.count, negative: this.negative, sumMs: this.sumMs, maxMs: this.maxMs };
  }

  merge(s: SparseHistogram): void {
    for (let k = 0; k < s.pairs.length; k += 2) this.bins[s.pairs[k]] += s.pairs[k + 1];
    this.count += s.count;
    this.negative += s.negative;
    this.sumMs += s.sumMs;
    if (s.maxMs > this.maxMs) this.maxMs = s.maxMs;
  }

  /** The upper edge of the bin holding the p-th percentile, in ms; NaN when empty. */
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i <= BINS; i++) {
      seen += this.bins[i];
      if (seen >= rank) return i === BINS ? this.maxMs : Math.min((i + 1) * BIN_MS, this.maxMs);
    }
    return this.maxMs;
  }
}

export interface SparseHistogram {
  pairs: number[];
  count: number;
  negative: number;
  sumMs: number;
  maxMs: number;
}
