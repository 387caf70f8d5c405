// The simulated vehicle's referee: every setpoint packet it receives is
// checked against the configured limits (and PX4's expected frame and
// type_mask), and every violation is counted by kind, with the first few
// kept verbatim, so a closed-loop run can assert that nothing ever exceeded
// a limit.

import type { Limits } from '../followers/limits.js';
import { ATTITUDE_IGNORE, MAV_FRAME_BODY_NED, TYPE_MASK_VELOCITY_YAWRATE } from '../link/mavlink-link.js';

export interface VelocitySetpointPacket {
  frame: number;
  typeMask: number;
  vx: number;
  vy: number;
  vz: number;
  yawRateRadS: number;
}

export interface AttitudeSetpointPacket {
  typeMask: number;
  rollRadS: number;
  pitchRadS: number;
  yawRadS: number;
  thrust: number;
}

export interface Violation {
  /** Epoch ms. */
  at_ms: number;
  kind: string;
  detail: string;
}

export interface CheckerStats {
  checked: number;
  violations: number;
  by_kind: Record<string, number>;
  /** The first MAX_KEPT violations. */
  first: Violation[];
}

/** Violations kept verbatim (the count covers all). */
export const MAX_KEPT = 16;
/**
 * Slack on every comparison: MAVLink carries float32, so 0.45 arrives as
 * 0.44999998 or 0.45000002; 1e-4 is far below anything physical.
 */
export const TOLERANCE = 1e-4;
/**
 * Altitude band slack, m: the follower limits vertical speed from telemetry
 * that is up to one telemetry period old, so the vehicle may sit a few
 * centimetres past the line when a setpoint is judged.
 */
export const ALTITUDE_SLACK_M = 0.1;
/** PX4 also takes velocities in MAV_FRAME_LOCAL_NED. */
export const FRAME_LOCAL_NED = 1;

const DEG = 180 / Math.PI;

export class SetpointChecker {
  /** The limits judged against. */
  readonly #l: Limits;
  /** Counts and the first violations. */
  readonly #stats: CheckerStats = { checked: 0, violations: 0, by_kind: {}, first: [] };
  readonly #onViolation: (v: Violation) => void;

  constructor(limits: Limits, onViolation: (v: Violation) => void = () => {}) {
    this.#l = limits;
    this.#onViolation = onViolation;
  }

  get stats(): CheckerStats {
    return structuredClone(this.#stats);
  }

  reset(): void {
    this.#stats.checked = 0;
    this.#stats.violations = 0;
    this.#stats.by_kind = {};
    this.#stats.first = [];
  }

  #flag(kind: string, detail: string): void {
    const s = this.#stats;
    s.violations++;
    s.by_kind[kind] = (s.by_kind[kind] ?? 0) + 1;
    const v = { at_ms: performance.timeOrigin + performance.now(), kind, detail };
    if (s.first.length < MAX_KEPT) s.first.push(v);
    this.#onViolation(v);
  }

  /** Returns true when the setpoint is usable (a wrong frame or mask is refused, as PX4 would ignore it). */
  checkVelocity(p: VelocitySetpointPacket, altitude: number): boolean {
    this.#stats.checked++;
    const l = this.#l;
    let usable = true;
    if (p.frame !== MAV_FRAME_BODY_NED && p.frame !== FRAME_LOCAL_NED) { this.#flag('frame', `frame ${p.frame}`); usable = false; }
    if (p.typeMask !== TYPE_MASK_VELOCITY_YAWRATE) { this.#flag('type_mask', `type_mask 0x${p.typeMask.toString(16)}`); usable = false; }
    if (![p.vx, p.vy, p.vz, p.yawRateRadS].every(Number.isFinite)) { this.#flag('not_finite', `${p.vx}, ${p.vy}, ${p.vz}, ${p.yawRateRadS}`); return false; }
    const v = l.max_velocity_m_s + TOLERANCE;
    if (Math.abs(p.vx) > v) this.#flag('velocity_x', `vx ${p.vx} > ${l.max_velocity_m_s}`);
    if (Math.abs(p.vy) > v) this.#flag('velocity_y', `vy ${p.vy} > ${l.max_velocity_m_s}`);
    if (Math.abs(p.vz) > v) this.#flag('velocity_z', `vz ${p.vz} > ${l.max_velocity_m_s}`);
    const total = Math.hypot(p.vx, p.vy, p.vz);
    if (total > l.max_total_velocity_m_s + TOLERANCE) this.#flag('velocity_total', `|v| ${total.toFixed(4)} > ${l.max_total_velocity_m_s}`);
    const yaw = Math.abs(p.yawRateRadS * DEG);
    if (yaw > l.max_yaw_rate_deg_s + TOLERANCE) this.#flag('yaw_rate', `${yaw.toFixed(3)} deg/s > ${l.max_yaw_rate_deg_s}`);
    if (p.vz > TOLERANCE && altitude < l.min_altitude_m - ALTITUDE_SLACK_M) {
      this.#flag('altitude_floor', `descending ${p.vz.toFixed(3)} m/s at ${altitude.toFixed(2)} m < ${l.min_altitude_m} m`);
    }
    if (p.vz < -TOLERANCE && altitude > l.max_altitude_m + ALTITUDE_SLACK_M) {
      this.#flag('altitude_ceiling', `climbing ${(-p.vz).toFixed(3)} m/s at ${altitude.toFixed(2)} m > ${l.max_altitude_m} m`);
    }
    return usable;
  }

  checkAttitude(p: AttitudeSetpointPacket): boolean {
    this.#stats.checked++;
    const l = this.#l;
    if ((p.typeMask & ATTITUDE_IGNORE) === 0) { this.#flag('type_mask', `type_mask 0x${p.typeMask.toString(16)} (attitude not ignored)`); return false; }
    if (![p.rollRadS, p.pitchRadS, p.yawRadS, p.thrust].every(Number.isFinite)) { this.#flag('not_finite', 'attitude setpoint'); return false; }
    const r = l.max_rate_deg_s + TOLERANCE;
    if (Math.abs(p.rollRadS * DEG) > r) this.#flag('roll_rate', `${(p.rollRadS * DEG).toFixed(2)} deg/s`);
    if (Math.abs(p.pitchRadS * DEG) > r) this.#flag('pitch_rate', `${(p.pitchRadS * DEG).toFixed(2)} deg/s`);
    if (Math.abs(p.yawRadS * DEG) > l.max_yaw_rate_deg_s + TOLERANCE) this.#flag('yaw_rate', `${(p.yawRadS * DEG).toFixed(2)} deg/s`);
    if (p.thrust < l.min_thrust - TOLERANCE || p.thrust > l.max_thrust + TOLERANCE) this.#flag('thrust', `thrust ${p.thrust}`);
    return true;
  }
}
