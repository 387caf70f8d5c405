// mc_velocity_ground: camera looking straight down. The y error drives the
// forward speed (target above the centre → forward), the x error the right
// speed (target right of centre → right); yaw stays 0. Optionally descends
// towards the altitude floor while the target is near the centre, never climbs.
// With feed-forward (follower.feed_forward) the target's estimated ground
// velocity is added, so a moving target is not trailed by speed / gain.

import type { PidGainsConfig } from '../../config/types.js';
import type { Setpoint } from '../setpoint.js';
import type { VehicleState } from '../vehicle-state.js';
import type { ControlLaw, TargetVelocity } from './control-law.js';
import type { Limits } from './limits.js';
import { Pid } from './pid.js';

export interface GroundLawOptions {
  limits: Limits;
  gains: { forward: PidGainsConfig; lateral: PidGainsConfig; altitude: PidGainsConfig };
  descendToTarget: boolean;
  maxDescentMs: number;
  /** Weight of the target-velocity feed-forward (0: the original's pure PID). */
  feedForwardGain: number;
}

/** Descend only while the target is this close to the aim point (normalized): never lose it by dropping onto it. */
export const DESCEND_WITHIN = 0.3;

export class McVelocityGround implements ControlLaw {
  readonly name = 'mc_velocity_ground';
  readonly kind = 'velocity_body';
  readonly limits: Limits;
  /** Forward from −y, right from x, descent from the height above the floor. */
  readonly #fwd: Pid;
  readonly #right: Pid;
  readonly #descent: Pid;
  /** Descend-to-target is on; weight of the target velocity fed forward. */
  readonly #descend: boolean;
  readonly #ffGain: number;

  constructor(o: GroundLawOptions) {
    const v = o.limits.max_velocity_m_s;
    this.limits = o.limits;
    this.#fwd = new Pid(o.gains.forward, -v, v);
    this.#right = new Pid(o.gains.lateral, -v, v);
    this.#descent = new Pid(o.gains.altitude, 0, Math.min(o.maxDescentMs, v));
    this.#descend = o.descendToTarget;
    this.#ffGain = o.feedForwardGain;
  }

  rejects(): string | null {
    return null;
  }

  track(ex: number, ey: number, vehicle: VehicleState, dtS: number, out: Setpoint, motion?: TargetVelocity | null): void {
    if (out.kind !== 'velocity_body') return;
    // Move with the target (feed-forward) and close the remaining offset with the PID.
    out.fwd = this.#fwd.update(-ey, dtS) + (motion ? motion.fwd * this.#ffGain : 0);
    out.right = this.#right.update(ex, dtS) + (motion ? motion.right * this.#ffGain : 0);
    out.yawspeed_deg_s = 0;
    out.down = 0;
    const alt = vehicle.alt_m;
    if (this.#descend && alt !== null && Math.abs(ex) <= DESCEND_WITHIN && Math.abs(ey) <= DESCEND_WITHIN) {
      const aboveFloor = alt - this.limits.min_altitude_m;
      if (aboveFloor > 0) out.down = this.#descent.update(aboveFloor, dtS);
    }
  }

  coast(): boolean {
    return false;
  }

  reset(): void {
    this.#fwd.reset();
    this.#right.reset();
    this.#descent.reset();
  }
}
