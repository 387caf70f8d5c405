// Live frames per second over the last second or more: counted per frame
// (a number increment), turned into a rate when sampled.

export class FpsMeter {
  #frames = 0;
  #since: number;
  /** The last rate computed, rounded to 0.1. */
  fps = 0;

  constructor(nowMs: number) {
    this.#since = nowMs;
  }

  count(): void {
    this.#frames++;
  }

  /** Recomputes `fps` once at least a second has passed since the last time; returns it. */
  sample(nowMs: number): number {
    const span = nowMs - this.#since;
    if (span >= 1000) {
      this.fps = Math.round((this.#frames * 1000 * 10) / span) / 10;
      this.#frames = 0;
      this.#since = nowMs;
    }
    return this.fps;
  }
}
