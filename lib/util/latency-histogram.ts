// Cumulative duration counts in fixed buckets, for Prometheus histograms
// exported at scrape time. observe() is on the encode and tracker paths
// (once per encode / tracked frame): a linear scan over a dozen bounds and
// three increments into preallocated arrays, nothing allocated.

export class LatencyHistogram {
  /** Upper bounds in ms, ascending; the implicit last bucket is +Inf. */
  readonly bounds: Float64Array;
  /** Observations per bucket (not cumulative); the last entry is the +Inf bucket. */
  readonly #counts: Float64Array;
  /** Sum of all observations in ms. */
  sum = 0;
  /** Observations in all. */
  count = 0;

  constructor(boundsMs: readonly number[]) {
    for (let i = 0; i < boundsMs.length; i++) {
      if (!(Number.isFinite(boundsMs[i]) && (i === 0 || boundsMs[i] > boundsMs[i - 1]))) {
        throw new RangeError('histogram bounds must be finite and strictly ascending');
      }
    }
    this.bounds = Float64Array.from(boundsMs);
    this.#counts = new Float64Array(boundsMs.length + 1);
  }

  observe(ms: number): void {
    if (!(ms >= 0)) return; // NaN or negative: a clock glitch, not a duration
    const b = this.bounds;
    let i = 0;
    while (i < b.length && ms > b[i]) i++;
    this.#counts[i]++;
    this.sum += ms;
    this.count++;
  }

  /** Observations ≤ bounds[i] (i = bounds.length: all of them). */
  cumulative(i: number): number {
    let n = 0;
    for (let j = 0; j <= i && j < this.#counts.length; j++) n += this.#counts[j];
    return n;
  }
}

/** JPEG encodes: ~1 ms for a small frame on a fast core up to a 1080p frame on a Pi (tens of ms). */
export const ENCODE_MS_BUCKETS: readonly number[] = [0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 100, 250];
/** Tracker passes: sub-ms (MOSSE on a small patch) up to a KCF/redetect pass on a slow board. */
export const TRACKER_MS_BUCKETS: readonly number[] = [0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 33, 50, 100];
