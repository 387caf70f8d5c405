// The limits every setpoint is clamped to. Global limits come from the
// safety section; a profile may only tighten them (a looser profile value is
// reported as a problem and ignored, so loosening is impossible by
// construction). Clamping happens in place and returns a bitmask of what was
// cut, so the per-frame path allocates nothing.

import type { ProfileLimitsConfig, SafetyConfig } from '../../config/types.js';
import type { AttitudeRateSetpoint, VelocityBodySetpoint } from '../setpoint.js';
import type { VehicleState } from '../vehicle-state.js';
import { clamp } from './pid.js';

/** The safety section's limits (without the circuit breaker): what every setpoint is clamped to. */
export type Limits = Omit<SafetyConfig, 'circuit_breaker'>;

/** Bits of the mask clamp*() return. */
export const CLIP = {
  fwd: 1, right: 2, down: 4, yaw: 8, total: 16, altitude_floor: 32, altitude_ceiling: 64, altitude_unknown: 128,
  roll: 256, pitch: 512, thrust: 1024, tilt: 2048,
} as const;

/**
 * Vertical speed allowed per metre of room left to an altitude limit (1/s):
 * the vehicle slows down as it nears min/max altitude and stops on it rather
 * than overshooting by its own reaction time.
 */
export const ALTITUDE_APPROACH_GAIN = 1.0;
/**
 * Speed vectors are scaled to this fraction of the total limit: MAVLink floats
 * are 32-bit, and a value rounded up on the wire must still be within the limit.
 */
const FLOAT32_MARGIN = 1 - 1e-6;

export function globalLimits(s: SafetyConfig): Limits {
  const { circuit_breaker: _breaker, ...limits } = s;
  return limits;
}

/** Global limits tightened by a profile's; `problems` names every key that tried to loosen one. */
export function tightenLimits(global: Limits, profile: ProfileLimitsConfig | undefined, who: string): { limits: Limits; problems: string[] } {
  const limits = { ...global };
  const problems: string[] = [];
  for (const key of ['max_velocity_m_s', 'max_total_velocity_m_s', 'max_yaw_rate_deg_s', 'max_rate_deg_s'] as const) {
    const v = profile?.[key];
    if (v === undefined) continue;
    if (v > global[key]) problems.push(`${who}.${key}: value ${v} is looser than safety.${key} (${global[key]}); a profile may only tighten the global limits`);
    else limits[key] = v;
  }
  return { limits, problems };
}

/** Largest descent (positive) and climb (negative) speed allowed at altitude `alt`. */
function verticalRange(l: Limits, alt: number | null, out: { min: number; max: number }): number {
  if (alt === null) {
    out.min = 0; out.max = 0;
    return CLIP.altitude_unknown;
  }
  out.max = clamp((alt - l.min_altitude_m) * ALTITUDE_APPROACH_GAIN, 0, l.max_velocity_m_s);
  out.min = -clamp((l.max_altitude_m - alt) * ALTITUDE_APPROACH_GAIN, 0, l.max_velocity_m_s);
  return 0;
}

const range = { min: 0, max: 0 };

/** Clamps a velocity setpoint in place: per axis, altitude band, total speed, yaw rate. */
export function clampVelocity(sp: VelocityBodySetpoint, l: Limits, state: VehicleState): number {
  let mask = 0;
  const v = l.max_velocity_m_s;
  if (sp.fwd > v || sp.fwd < -v) { sp.fwd = clamp(sp.fwd, -v, v); mask |= CLIP.fwd; }
  if (sp.right > v || sp.right < -v) { sp.right = clamp(sp.right, -v, v); mask |= CLIP.right; }
  mask |= verticalRange(l, state.alt_m, range);
  if (sp.down > range.max) { sp.down = range.max; mask |= range.max < v ? CLIP.altitude_floor : CLIP.down; }
  if (sp.down < range.min) { sp.down = range.min; mask |= range.min > -v ? CLIP.altitude_ceiling : CLIP.down; }
  const total = Math.sqrt(sp.fwd * sp.fwd + sp.right * sp.right + sp.down * sp.down);
  if (total > l.max_total_velocity_m_s) {
    const k = (l.max_total_velocity_m_s / total) * FLOAT32_MARGIN;
    sp.fwd *= k; sp.right *= k; sp.down *= k;
    mask |= CLIP.total;
  }
  const y = l.max_yaw_rate_deg_s;
  if (sp.yawspeed_deg_s > y || sp.yawspeed_deg_s < -y) { sp.yawspeed_deg_s = clamp(sp.yawspeed_deg_s, -y, y); mask |= CLIP.yaw; }
  if (!Number.isFinite(total) || !Number.isFinite(sp.yawspeed_deg_s)) {
    // A NaN slipped through a law: nothing but a stop may leave.
    sp.fwd = 0; sp.right = 0; sp.down = 0; sp.yawspeed_deg_s = 0;
    mask |= CLIP.total;
  }
  return mask;
}

/**
 * Clamps an attitude-rate setpoint in place: rates, thrust, no rate that tilts
 * further beyond max_tilt_deg, and no thrust below hover at the altitude floor
 * or above hover at the ceiling.
 */
export function clampAttitude(sp: AttitudeRateSetpoint, l: Limits, state: VehicleState, hoverThrust: number): number {
  let mask = 0;
  const r = l.max_rate_deg_s;
  if (sp.roll_rate > r || sp.roll_rate < -r) { sp.roll_rate = clamp(sp.roll_rate, -r, r); mask |= CLIP.roll; }
  if (sp.pitch_rate > r || sp.pitch_rate < -r) { sp.pitch_rate = clamp(sp.pitch_rate, -r, r); mask |= CLIP.pitch; }
  const y = l.max_yaw_rate_deg_s;
  if (sp.yaw_rate > y || sp.yaw_rate < -y) { sp.yaw_rate = clamp(sp.yaw_rate, -y, y); mask |= CLIP.yaw; }
  const roll = state.roll_deg ?? 0;
  const pitch = state.pitch_deg ?? 0;
  if ((roll >= l.max_tilt_deg && sp.roll_rate > 0) || (roll <= -l.max_tilt_deg && sp.roll_rate < 0)) { sp.roll_rate = 0; mask |= CLIP.tilt; }
  if ((pitch >= l.max_tilt_deg && sp.pitch_rate > 0) || (pitch <= -l.max_tilt_deg && sp.pitch_rate < 0)) { sp.pitch_rate = 0; mask |= CLIP.tilt; }
  let lo = l.min_thrust;
  let hi = l.max_thrust;
  const alt = state.alt_m;
  if (alt === null) { lo = hi = clamp(hoverThrust, l.min_thrust, l.max_thrust); mask |= CLIP.altitude_unknown; }
  else if (alt <= l.min_altitude_m) { lo = Math.max(lo, Math.min(hoverThrust, hi)); }
  else if (alt >= l.max_altitude_m) { hi = Math.min(hi, Math.max(hoverThrust, lo)); }
  if (sp.thrust > hi || sp.thrust < lo) { sp.thrust = clamp(sp.thrust, lo, hi); mask |= CLIP.thrust; }
  if (!Number.isFinite(sp.roll_rate + sp.pitch_rate + sp.yaw_rate + sp.thrust)) {
    sp.roll_rate = 0; sp.pitch_rate = 0; sp.yaw_rate = 0; sp.thrust = clamp(hoverThrust, l.min_thrust, l.max_thrust);
    mask |= CLIP.thrust;
  }
  return mask;
}

/** Names of the bits set in a clip mask (telemetry; allocates). */
export function clipNames(mask: number): string[] {
  const out: string[] = [];
  for (const [name, bit] of Object.entries(CLIP)) if (mask & bit) out.push(name);
  return out;
}
