// mc_velocity_position: hold the position, keep the target in view by
// turning (x error → yaw rate through the yaw smoother, clockwise for a
// target right of centre) and by changing height (y error → down velocity:
// a forward camera sees a target below the centre when the vehicle is too
// high). No horizontal motion.

import type { PidGainsConfig } from '../../config/types.js';
import type { Setpoint } from '../setpoint.js';
import type { VehicleState } from '../vehicle-state.js';
import type { ControlLaw } from './control-law.js';
import type { Limits } from './limits.js';
import { Pid } from './pid.js';
import { YawSmoother } from './yaw-smoother.js';

export interface PositionLawOptions {
  limits: Limits;
  gains: { yaw: PidGainsConfig; down: PidGainsConfig };
}

export class McVelocityPosition implements ControlLaw {
  readonly name = 'mc_velocity_position';
  readonly kind = 'velocity_body';
  readonly limits: Limits;
  /** Yaw rate from x, down velocity from y. */
  readonly #yaw: Pid;
  readonly #down: Pid;
  /** Deadzone, rate limit and averaging of the yaw command. */
  readonly #smoother = new YawSmoother();

  constructor(o: PositionLawOptions) {
    const v = o.limits.max_velocity_m_s;
    const y = o.limits.max_yaw_rate_deg_s;
    this.limits = o.limits;
    this.#yaw = new Pid(o.gains.yaw, -y, y);
    this.#down = new Pid(o.gains.down, -v, v);
  }

  rejects(): string | null {
    return null;
  }

  track(ex: number, ey: number, _vehicle: VehicleState, dtS: number, out: Setpoint): void {
    if (out.kind !== 'velocity_body') return;
    out.fwd = 0;
    out.right = 0;
    out.yawspeed_deg_s = this.#smoother.apply(this.#yaw.update(ex, dtS), dtS);
    out.down = this.#down.update(ey, dtS);
  }

  coast(): boolean {
    return false;
  }

  reset(): void {
    this.#yaw.reset();
    this.#down.reset();
    this.#smoother.reset();
  }
}
