// mc_velocity_chase: camera looking forward, chasing. Forward speed ramps up
// (chase_accel_m_s2) to the profile's limit and is never negative; the x
// error turns the vehicle through the yaw smoother (coordinated_turn) or
// slides it sideways (sideslip); the y error moves it down (target below the
// centre → descend). Confidence below chase_min_confidence counts as lost;
// while lost it steers on the last good coordinates and the forward speed
// ramps down to 0, then it stops.

import type { PidGainsConfig } from '../../config/types.js';
import type { Setpoint, VelocityBodySetpoint } from '../setpoint.js';
import type { VehicleState } from '../vehicle-state.js';
import type { ControlLaw } from './control-law.js';
import type { Limits } from './limits.js';
import { Pid } from './pid.js';
import { YawSmoother } from './yaw-smoother.js';

export interface ChaseLawOptions {
  limits: Limits;
  gains: { yaw: PidGainsConfig; right: PidGainsConfig; down: PidGainsConfig };
  mode: 'coordinated_turn' | 'sideslip';
  accelMs2: number;
  minConfidence: number;
}

export class McVelocityChase implements ControlLaw {
  readonly name = 'mc_velocity_chase';
  readonly kind = 'velocity_body';
  readonly limits: Limits;
  /** Fixed options. */
  readonly #o: ChaseLawOptions;
  /** Yaw rate (coordinated turn) or right velocity (sideslip) from x, down velocity from y. */
  readonly #yaw: Pid;
  readonly #right: Pid;
  readonly #down: Pid;
  /** Deadzone, rate limit and averaging of the yaw command. */
  readonly #smoother = new YawSmoother();
  /** Current forward speed of the ramp, m/s (≥ 0). */
  #fwd = 0;
  /** Last good x error, for steering while lost. */
  #lastEx = 0;
  #hasLast = false;

  constructor(o: ChaseLawOptions) {
    const v = o.limits.max_velocity_m_s;
    const y = o.limits.max_yaw_rate_deg_s;
    this.limits = o.limits;
    this.#o = o;
    this.#yaw = new Pid(o.gains.yaw, -y, y);
    this.#right = new Pid(o.gains.right, -v, v);
    this.#down = new Pid(o.gains.down, -v, v);
  }

  rejects(_x: number, _y: number, confidence: number): string | null {
    return confidence < this.#o.minConfidence ? `confidence ${confidence.toFixed(2)} below ${this.#o.minConfidence}` : null;
  }

  track(ex: number, ey: number, _vehicle: VehicleState, dtS: number, out: Setpoint): void {
    if (out.kind !== 'velocity_body') return;
    this.#fwd = Math.min(this.#fwd + this.#o.accelMs2 * dtS, this.limits.max_velocity_m_s);
    out.fwd = this.#fwd;
    this.#steer(ex, dtS, out);
    out.down = this.#down.update(ey, dtS);
    this.#lastEx = ex;
    this.#hasLast = true;
  }

  coast(_vehicle: VehicleState, dtS: number, out: Setpoint): boolean {
    if (out.kind !== 'velocity_body' || !this.#hasLast || this.#fwd <= 0) return false;
    this.#fwd = Math.max(0, this.#fwd - this.#o.accelMs2 * dtS);
    out.fwd = this.#fwd;
    this.#steer(this.#lastEx, dtS, out);
    // Blind: hold the altitude.
    out.down = 0;
    return true;
  }

  #steer(ex: number, dtS: number, out: VelocityBodySetpoint): void {
    if (this.#o.mode === 'coordinated_turn') {
      out.yawspeed_deg_s = this.#smoother.apply(this.#yaw.update(ex, dtS), dtS);
      out.right = 0;
    } else {
      out.right = this.#right.update(ex, dtS);
      out.yawspeed_deg_s = 0;
    }
  }

  reset(): void {
    this.#fwd = 0;
    this.#hasLast = false;
    this.#yaw.reset();
    this.#right.reset();
    this.#down.reset();
    this.#smoother.reset();
  }
}
