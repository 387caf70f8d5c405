// mc_attitude_rate: the original's pursuit with a forward camera, in body
// rates and thrust. The x error yaws the vehicle (clockwise for a target
// right of centre), the y error pitches it (nose up for a target above the
// centre), the roll rate banks it into a coordinated turn for the commanded
// yaw rate at the current ground speed, and thrust holds the altitude the
// session started at, compensated for tilt. While the target is lost it
// levels the vehicle and keeps holding the altitude.

import type { PidGainsConfig } from '../../config/types.js';
import type { Setpoint } from '../setpoint.js';
import type { VehicleState } from '../vehicle-state.js';
import type { ControlLaw } from './control-law.js';
import type { Limits } from './limits.js';
import { clamp, Pid } from './pid.js';

export interface AttitudeLawOptions {
  limits: Limits;
  gains: { yaw: PidGainsConfig; pitch_rate: PidGainsConfig; roll_rate: PidGainsConfig; altitude: PidGainsConfig };
  hoverThrust: number;
}

const G = 9.81;
const RAD = Math.PI / 180;
/** Thrust change per m/s of climb the altitude PID asks for (≈ hover / g per m/s²·s, rounded for a 2 Hz loop). */
export const THRUST_PER_M_S = 0.1;
/** Levelling: deg/s of rate per degree of tilt while lost. */
export const LEVEL_GAIN = 2;
/** Tilt compensation stops at this cos (60°) so that it cannot ask for full thrust when tilted far. */
const MIN_COS = 0.5;

export class McAttitudeRate implements ControlLaw {
  readonly name = 'mc_attitude_rate';
  readonly kind = 'attitude_rate';
  readonly limits: Limits;
  /** Thrust that holds altitude level. */
  readonly #hover: number;
  /** Yaw rate from x, pitch rate from y, roll rate from the bank error (deg/s). */
  readonly #yaw: Pid;
  readonly #pitch: Pid;
  readonly #roll: Pid;
  /** Climb demand (m/s) from the altitude error. */
  readonly #alt: Pid;
  /** Altitude held during the session (set at its first step). */
  #altHold: number | null = null;

  constructor(o: AttitudeLawOptions) {
    const r = o.limits.max_rate_deg_s;
    const y = o.limits.max_yaw_rate_deg_s;
    this.limits = o.limits;
    this.#hover = o.hoverThrust;
    this.#yaw = new Pid(o.gains.yaw, -y, y);
    this.#pitch = new Pid(o.gains.pitch_rate, -r, r);
    this.#roll = new Pid(o.gains.roll_rate, -r, r);
    this.#alt = new Pid(o.gains.altitude, -1, 1);
  }

  rejects(): string | null {
    return null;
  }

  track(ex: number, ey: number, vehicle: VehicleState, dtS: number, out: Setpoint): void {
    if (out.kind !== 'attitude_rate') return;
    this.#altHold ??= vehicle.alt_m;
    out.yaw_rate = this.#yaw.update(ex, dtS);
    out.pitch_rate = this.#pitch.update(-ey, dtS);
    const bank = clamp(Math.atan((vehicle.ground_speed_m_s * out.yaw_rate * RAD) / G) / RAD, -this.limits.max_tilt_deg, this.limits.max_tilt_deg);
    out.roll_rate = this.#roll.update(bank - (vehicle.roll_deg ?? 0), dtS);
    out.thrust = this.#thrust(vehicle, dtS);
  }

  coast(vehicle: VehicleState, dtS: number, out: Setpoint): boolean {
    if (out.kind !== 'attitude_rate') return false;
    const r = this.limits.max_rate_deg_s;
    out.roll_rate = clamp(-LEVEL_GAIN * (vehicle.roll_deg ?? 0), -r, r);
    out.pitch_rate = clamp(-LEVEL_GAIN * (vehicle.pitch_deg ?? 0), -r, r);
    out.yaw_rate = 0;
    out.thrust = this.#thrust(vehicle, dtS);
    return true;
  }

  #thrust(vehicle: VehicleState, dtS: number): number {
    const tilt = Math.max(Math.cos((vehicle.roll_deg ?? 0) * RAD) * Math.cos((vehicle.pitch_deg ?? 0) * RAD), MIN_COS);
    const climb = this.#altHold === null || vehicle.alt_m === null ? 0 : this.#alt.update(this.#altHold - vehicle.alt_m, dtS);
    return this.#hover / tilt + THRUST_PER_M_S * climb;
  }

  reset(): void {
    this.#altHold = null;
    this.#yaw.reset();
    this.#pitch.reset();
    this.#roll.reset();
    this.#alt.reset();
  }
}
