// Events per second over a sliding window, from a fixed ring of event times
// (no allocation per event). Used for the setpoint rate measured where it
// matters: at the sender's keep-alive and at the receiving vehicle.

export class RateMeter {
  /** Event times (performance.now()), a ring. */
  readonly #times: Float64Array;
  /** Window length; events counted so far. */
  readonly #windowMs: number;
  #count = 0;

  /** `capacity` must cover the window at the highest rate expected (e.g. 64 for 2 s at 20 Hz). */
  constructor(capacity: number, windowMs: number) {
    this.#times = new Float64Array(capacity);
    this.#windowMs = windowMs;
  }

  mark(nowMs: number): void {
    this.#times[this.#count % this.#times.length] = nowMs;
    this.#count++;
  }

  /** Rate over the events of the last window (0 with fewer than two, or when the newest is older than the window). */
  rate(nowMs: number): number {
    const cap = this.#times.length;
    const n = Math.min(this.#count, cap);
    if (n < 2) return 0;
    const newest = this.#times[(this.#count - 1) % cap];
    if (nowMs - newest > this.#windowMs) return 0;
    let k = 1;
    let oldest = newest;
    for (; k < n; k++) {
      const t = this.#times[(this.#count - 1 - k) % cap];
      if (newest - t > this.#windowMs) break;
      oldest = t;
    }
    return k > 1 && newest > oldest ? Math.round(((k - 1) / ((newest - oldest) / 1000)) * 100) / 100 : 0;
  }

  reset(): void {
    this.#count = 0;
  }
}
