// PID controller for the follower axes. Anti-windup as the original does it
// (spec: when the output is saturated, the integral is pulled back by
// 0.1 × (output − previous output)), plus a bound on the integral term itself
// so that it can never hold more than the whole output range. The derivative
// acts on the error through a first-order low-pass: tracker jitter divided by
// a 33 ms frame interval would otherwise reach the vehicle amplified.

export interface PidGains {
  p: number;
  i: number;
  d: number;
}

/** The original's back-calculation coefficient. */
export const ANTI_WINDUP_COEFF = 0.1;
/** dt is clamped to this range (s): a stalled or doubled frame must not spike the I or D term. */
export const MIN_DT_S = 0.001;
export const MAX_DT_S = 0.25;

export class Pid {
  /** Gains; the object is held, so live tuning of the config object takes effect. */
  readonly #gains: PidGains;
  /** Output range. */
  #min: number;
  #max: number;
  /** Low-pass time constant of the derivative, s. */
  readonly #derivTauS: number;
  /** The integral term (already multiplied by the I gain), within [min, max]. */
  #integral = 0;
  /** Previous error; null right after a reset (no derivative on the first step). */
  #prevError: number | null = null;
  /** Filtered derivative of the error, per second. */
  #dError = 0;
  /** The previous output (anti-windup compares against it). */
  #lastOutput = 0;

  constructor(gains: PidGains, min: number, max: number, derivTauS = 0.05) {
    if (!(min <= max)) throw new RangeError(`PID output range must have min <= max, got ${min}..${max}`);
    this.#gains = gains;
    this.#min = min;
    this.#max = max;
    this.#derivTauS = derivTauS;
  }

  get integral(): number {
    return this.#integral;
  }

  get lastOutput(): number {
    return this.#lastOutput;
  }

  /** Changes the output range (a profile's limits); the integral is re-bounded. */
  setRange(min: number, max: number): void {
    if (!(min <= max)) throw new RangeError(`PID output range must have min <= max, got ${min}..${max}`);
    this.#min = min;
    this.#max = max;
    this.#integral = clamp(this.#integral, min, max);
  }

  /** One step with `error` (setpoint − measurement, sign chosen by the caller) after dtS seconds. */
  update(error: number, dtS: number): number {
    const dt = clamp(dtS, MIN_DT_S, MAX_DT_S);
    const g = this.#gains;
    this.#integral = clamp(this.#integral + g.i * error * dt, this.#min, this.#max);
    if (this.#prevError !== null) {
      const raw = (error - this.#prevError) / dt;
      this.#dError += (raw - this.#dError) * (dt / (this.#derivTauS + dt));
    }
    this.#prevError = error;
    const out = clamp(g.p * error + this.#integral + g.d * this.#dError, this.#min, this.#max);
    if ((out >= this.#max || out <= this.#min) && out !== this.#lastOutput) {
      this.#integral -= ANTI_WINDUP_COEFF * (out - this.#lastOutput);
    }
    this.#lastOutput = out;
    return out;
  }

  reset(): void {
    this.#integral = 0;
    this.#prevError = null;
    this.#dError = 0;
    this.#lastOutput = 0;
  }
}

export function clamp(v: number, min: number, max: number): number {
  return v < min ? min : v > max ? max : v;
}
