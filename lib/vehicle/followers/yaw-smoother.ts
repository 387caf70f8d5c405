// Yaw-rate smoother of the chase and position profiles (the original's
// numbers): a deadzone that ignores tiny commands, a limit on how fast the
// commanded rate may change, then an exponential moving average.

export interface YawSmootherOptions {
  /** Commands smaller than this (deg/s) become 0. */
  deadzone_deg_s: number;
  /** Largest change of the command per second (deg/s²). */
  max_change_deg_s2: number;
  /** Weight of the new value in the moving average (1 = no averaging). */
  alpha: number;
}

export const DEFAULT_YAW_SMOOTHER: Readonly<YawSmootherOptions> = { deadzone_deg_s: 0.5, max_change_deg_s2: 90, alpha: 0.7 };

export class YawSmoother {
  /** Fixed settings. */
  readonly #o: YawSmootherOptions;
  /** The previous smoothed command, deg/s. */
  #value = 0;

  constructor(o: YawSmootherOptions = DEFAULT_YAW_SMOOTHER) {
    this.#o = o;
  }

  get value(): number {
    return this.#value;
  }

  apply(rawDegS: number, dtS: number): number {
    const target = Math.abs(rawDegS) < this.#o.deadzone_deg_s ? 0 : rawDegS;
    const step = this.#o.max_change_deg_s2 * dtS;
    const limited = Math.min(Math.max(target, this.#value - step), this.#value + step);
    this.#value += this.#o.alpha * (limited - this.#value);
    return this.#value;
  }

  reset(): void {
    this.#value = 0;
  }
}
