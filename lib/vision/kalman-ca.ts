// The spec's estimator: a constant-acceleration Kalman filter in pixels, one
// independent 3-state filter (position, velocity, acceleration) per image
// axis — the axes share no terms, so two 3x3 filters are exactly the 6-state
// one at a fraction of the arithmetic. Process noise follows the discrete
// white-noise model (filterpy's Q_discrete_white_noise, variance 10), the
// measurement noise is 1 px², dt is clamped to 0.001–0.25 s. Times are passed
// in (capture time, seconds), never read from a clock, so replays repeat.

export interface KalmanOptions {
  processNoise?: number;
  measurementNoise?: number;
  minDt?: number;
  maxDt?: number;
  /** Initial velocity / acceleration variance: nothing is known about motion at the start. */
  initialRateVariance?: number;
}

/** One axis: state and covariance as plain fields (no arrays to index on the hot path). */
class Axis {
  p = 0; v = 0; a = 0;
  // Symmetric covariance.
  P00 = 1; P01 = 0; P02 = 0; P11 = 1; P12 = 0; P22 = 1;

  reset(p: number, r: number, rate: number): void {
    this.p = p; this.v = 0; this.a = 0;
    this.P00 = r; this.P01 = 0; this.P02 = 0; this.P11 = rate; this.P12 = 0; this.P22 = rate;
  }

  predict(dt: number, q: number): void {
    const h = 0.5 * dt * dt;
    this.p += this.v * dt + this.a * h;
    this.v += this.a * dt;
    // P = F P Fᵀ + Q with F = [[1, dt, h], [0, 1, dt], [0, 0, 1]].
    const { P00, P01, P02, P11, P12, P22 } = this;
    const a00 = P00 + dt * P01 + h * P02;
    const a01 = P01 + dt * P11 + h * P12;
    const a02 = P02 + dt * P12 + h * P22;
    const a11 = P11 + dt * P12;
    const a12 = P12 + dt * P22;
    this.P00 = a00 + dt * a01 + h * a02 + q * h * h;
    this.P01 = a01 + dt * a02 + q * h * dt;
    this.P02 = a02 + q * h;
    this.P11 = a11 + dt * a12 + q * dt * dt;
    this.P12 = a12 + q * dt;
    this.P22 = P22 + q;
  }

  coast(lo: number, hi: number): void {
    this.a = 0;
    if (this.p < lo) {
      this.p = lo;
      if (this.v < 0) this.v = 0;
    } else if (this.p > hi) {
      this.p = hi;
      if (this.v > 0) this.v = 0;
    }
  }

  update(z: number, r: number): void {
    const s = this.P00 + r;
    const k0 = this.P00 / s;
    const k1 = this.P01 / s;
    const k2 = this.P02 / s;
    const e = z - this.p;
    this.p += k0 * e;
    this.v += k1 * e;
    this.a += k2 * e;
    const { P00, P01, P02 } = this;
    this.P00 -= k0 * P00;
    this.P01 -= k0 * P01;
    this.P02 -= k0 * P02;
    this.P11 -= k1 * P01;
    this.P12 -= k1 * P02;
    this.P22 -= k2 * P02;
  }
}

export class KalmanCA {
  readonly #q: number;
  readonly #r: number;
  readonly #minDt: number;
  readonly #maxDt: number;
  readonly #rate: number;
  readonly #x = new Axis();
  readonly #y = new Axis();
  /** Time of the state, seconds. */
  #t = 0;
  #ready = false;

  constructor(o: KalmanOptions = {}) {
    this.#q = o.processNoise ?? 10;
    this.#r = o.measurementNoise ?? 1;
    this.#minDt = o.minDt ?? 0.001;
    this.#maxDt = o.maxDt ?? 0.25;
    this.#rate = o.initialRateVariance ?? 1e4;
    for (const [k, v] of Object.entries({ processNoise: this.#q, measurementNoise: this.#r, minDt: this.#minDt, maxDt: this.#maxDt })) {
      if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`kalman ${k} must be a positive number, got ${v}`);
    }
  }

  get ready(): boolean { return this.#ready; }
  get x(): number { return this.#x.p; }
  get y(): number { return this.#y.p; }
  /** Velocity, px/s. */
  get vx(): number { return this.#x.v; }
  get vy(): number { return this.#y.v; }
  get ax(): number { return this.#x.a; }
  get ay(): number { return this.#y.a; }
  get time(): number { return this.#t; }
  /** Position variance (px²), a measure of how far the estimate may be off. */
  get varX(): number { return this.#x.P00; }
  get varY(): number { return this.#y.P00; }

  init(x: number, y: number, t: number): void {
    this.#x.reset(x, this.#r, this.#rate);
    this.#y.reset(y, this.#r, this.#rate);
    this.#t = t;
    this.#ready = true;
  }

  /** The clamped step from the state's time to `t`. */
  dtTo(t: number): number {
    const dt = t - this.#t;
    return dt < this.#minDt ? this.#minDt : dt > this.#maxDt ? this.#maxDt : dt;
  }

  /** Advances the state to time `t` (one step, dt clamped). */
  predict(t: number): void {
    const dt = this.dtTo(t);
    this.#x.predict(dt, this.#q);
    this.#y.predict(dt, this.#q);
    this.#t = t;
  }

  /** Measurement update; `noiseScale` > 1 weakens it (an untrusted measurement that may still steer the estimate). */
  update(x: number, y: number, noiseScale = 1): void {
    this.#x.update(x, this.#r * noiseScale);
    this.#y.update(y, this.#r * noiseScale);
  }

  /**
   * Coasting without measurements: drops the acceleration (extrapolated over
   * many frames it sends the estimate off at a parabola: measured 1000 px
   * off-frame within a second at a reversal) and keeps the position within
   * [x0, x1] × [y0, y1], stopping motion that pushes outward.
   */
  coast(x0: number, x1: number, y0: number, y1: number): void {
    this.#x.coast(x0, x1);
    this.#y.coast(y0, y1);
  }
}
