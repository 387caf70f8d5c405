// A multicopter good enough to close the loop: velocity commands get a
// first-order response with acceleration and speed limits (what PX4's
// velocity controller makes of a setpoint), yaw rate a faster first-order
// response; body-rate commands integrate attitude, and tilt plus thrust make
// the acceleration. Roll and pitch are shown from the acceleration in
// velocity modes, so ATTITUDE looks like a real vehicle's. Flat ground at
// altitude 0: touching it stops the vehicle (counted by the sim).

import { wrapDeg360 } from '../camera-pose.js';

export interface ModelOptions {
  velocityTauS: number;
  maxAccelMs2: number;
  maxSpeedMs: number;
  /** Physical limits of the airframe. */
  maxYawRateDegS: number;
  maxTiltDeg: number;
  hoverThrust: number;
}

export interface ModelState {
  north: number;
  east: number;
  /** NED down, metres (altitude = −down). */
  down: number;
  vn: number;
  ve: number;
  vd: number;
  yaw_deg: number;
  yaw_rate_deg_s: number;
  roll_deg: number;
  pitch_deg: number;
  roll_rate_deg_s: number;
  pitch_rate_deg_s: number;
  on_ground: boolean;
}

/** What the flight mode asks of the model this step. */
export type ModelCommand =
  | { kind: 'velocity'; vn: number; ve: number; vd: number; yawRateDegS: number }
  | { kind: 'rates'; rollDegS: number; pitchDegS: number; yawDegS: number; thrust: number };

const G = 9.81;
const RAD = Math.PI / 180;
/** Yaw-rate response time constant, s. */
const YAW_TAU_S = 0.15;
/** Linear drag in attitude mode, 1/s (what makes a tilted vehicle settle at a speed). */
const DRAG = 0.35;

export class MulticopterModel {
  readonly state: ModelState;
  /** Fixed airframe settings. */
  readonly #o: ModelOptions;

  constructor(o: ModelOptions, altitude: number, yawDeg: number) {
    this.#o = o;
    this.state = {
      north: 0, east: 0, down: -altitude, vn: 0, ve: 0, vd: 0, yaw_deg: wrapDeg360(yawDeg), yaw_rate_deg_s: 0,
      roll_deg: 0, pitch_deg: 0, roll_rate_deg_s: 0, pitch_rate_deg_s: 0, on_ground: altitude <= 0,
    };
  }

  get altitude(): number {
    return -this.state.down;
  }

  step(dtS: number, cmd: ModelCommand): void {
    const s = this.state;
    const o = this.#o;
    if (cmd.kind === 'velocity') this.#velocityStep(dtS, cmd);
    else this.#rateStep(dtS, cmd);
    // Speed limit of the airframe.
    const speed = Math.hypot(s.vn, s.ve, s.vd);
    if (speed > o.maxSpeedMs) {
      const k = o.maxSpeedMs / speed;
      s.vn *= k; s.ve *= k; s.vd *= k;
    }
    s.north += s.vn * dtS;
    s.east += s.ve * dtS;
    s.down += s.vd * dtS;
    s.yaw_deg = wrapDeg360(s.yaw_deg + s.yaw_rate_deg_s * dtS);
    s.on_ground = s.down >= 0;
    if (s.on_ground) {
      s.down = 0;
      s.vn = 0; s.ve = 0; s.vd = Math.min(s.vd, 0);
    }
  }

  #velocityStep(dt: number, c: Extract<ModelCommand, { kind: 'velocity' }>): void {
    const s = this.state;
    const o = this.#o;
    let an = (c.vn - s.vn) / o.velocityTauS;
    let ae = (c.ve - s.ve) / o.velocityTauS;
    let ad = (c.vd - s.vd) / o.velocityTauS;
    const a = Math.hypot(an, ae, ad);
    // Never more than the change still asked for: a large dt must not overshoot the target velocity.
    const k = Math.min(1, o.maxAccelMs2 / (a || 1), 1 / Math.max(dt / o.velocityTauS, 1));
    an *= k; ae *= k; ad *= k;
    s.vn += an * dt;
    s.ve += ae * dt;
    s.vd += ad * dt;
    const yawTarget = Math.max(-o.maxYawRateDegS, Math.min(o.maxYawRateDegS, c.yawRateDegS));
    s.yaw_rate_deg_s += (yawTarget - s.yaw_rate_deg_s) * Math.min(1, dt / YAW_TAU_S);
    // Tilt that produces this acceleration (display only in velocity modes).
    const c0 = Math.cos(s.yaw_deg * RAD);
    const s0 = Math.sin(s.yaw_deg * RAD);
    const aFwd = an * c0 + ae * s0;
    const aRight = -an * s0 + ae * c0;
    s.pitch_deg = -Math.atan(aFwd / G) / RAD;
    s.roll_deg = Math.atan(aRight / G) / RAD;
    s.roll_rate_deg_s = 0;
    s.pitch_rate_deg_s = 0;
  }

  #rateStep(dt: number, c: Extract<ModelCommand, { kind: 'rates' }>): void {
    const s = this.state;
    const o = this.#o;
    s.roll_rate_deg_s = c.rollDegS;
    s.pitch_rate_deg_s = c.pitchDegS;
    s.roll_deg = Math.max(-o.maxTiltDeg, Math.min(o.maxTiltDeg, s.roll_deg + c.rollDegS * dt));
    s.pitch_deg = Math.max(-o.maxTiltDeg, Math.min(o.maxTiltDeg, s.pitch_deg + c.pitchDegS * dt));
    const yawTarget = Math.max(-o.maxYawRateDegS, Math.min(o.maxYawRateDegS, c.yawDegS));
    s.yaw_rate_deg_s += (yawTarget - s.yaw_rate_deg_s) * Math.min(1, dt / YAW_TAU_S);
    const roll = s.roll_deg * RAD;
    const pitch = s.pitch_deg * RAD;
    const aFwd = -G * Math.tan(pitch);
    const aRight = G * Math.tan(roll);
    const aUp = G * ((c.thrust / o.hoverThrust) * Math.cos(roll) * Math.cos(pitch) - 1);
    const c0 = Math.cos(s.yaw_deg * RAD);
    const s0 = Math.sin(s.yaw_deg * RAD);
    s.vn += (aFwd * c0 - aRight * s0 - DRAG * s.vn) * dt;
    s.ve += (aFwd * s0 + aRight * c0 - DRAG * s.ve) * dt;
    s.vd += (-aUp - DRAG * s.vd) * dt;
  }
}
