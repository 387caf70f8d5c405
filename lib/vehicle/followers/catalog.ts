// Every follower profile the original offered, whether it is implemented
// here, and the factory for the ones that are. The catalog never claims a
// profile that does not exist: the others are listed `implemented: false`
// with the reason, and selecting one is refused.

import type { FollowerConfig, ImplementedProfileName, LossPolicyConfig, SafetyConfig } from '../../config/types.js';
import { SETPOINT_FIELDS, CONTROL_TYPE, type ControlType, type SetpointKind } from '../setpoint.js';
import { VehicleError } from '../vehicle-error.js';
import type { ControlLaw } from './control-law.js';
import { Follower } from './follower.js';
import { globalLimits, tightenLimits } from './limits.js';
import type { LossTransition } from './loss-policy.js';
import { McAttitudeRate } from './mc-attitude-rate.js';
import { McVelocityChase } from './mc-velocity-chase.js';
import { TargetMotion } from './target-motion.js';
import { McVelocityGround } from './mc-velocity-ground.js';
import { McVelocityPosition } from './mc-velocity-position.js';

export interface ProfileInfo {
  name: string;
  implemented: boolean;
  description: string;
  control_type: ControlType;
  /** Setpoint fields it publishes (the original's names). */
  fields: readonly string[];
  /** What it does when the target is lost (implemented profiles), or why it is missing. */
  loss_behaviour: string;
}

const LOSS_TIMELINE = 'then hovers on zero setpoints until follower.loss.action_after_s, then runs follower.loss.action (hover = Hold, land, rtl) and stops following';

function info(name: string, kind: SetpointKind, implemented: boolean, description: string, lossOrWhy: string): ProfileInfo {
  return { name, implemented, description, control_type: CONTROL_TYPE[kind], fields: SETPOINT_FIELDS[kind], loss_behaviour: lossOrWhy };
}

export const PROFILES: readonly ProfileInfo[] = [
  info('mc_velocity_ground', 'velocity_body', true,
    'Multicopter, camera looking down: y error → forward, x error → right, optional descent to the target, no yaw',
    `zero setpoints at once, ${LOSS_TIMELINE}`),
  info('mc_velocity_distance', 'velocity_body', false,
    'Multicopter, forward camera, constant distance to the target',
    'not implemented: needs a range to the target, which a 2D tracker does not give'),
  info('mc_velocity_position', 'velocity_body', true,
    'Multicopter holds its position; x error → yaw rate, y error → height',
    `zero setpoints at once, ${LOSS_TIMELINE}`),
  info('mc_velocity_chase', 'velocity_body', true,
    'Multicopter, forward camera, chase: forward speed ramps up; x error → yaw (coordinated turn) or right (sideslip); y error → height',
    `steers on the last good coordinates while forward speed ramps down to 0 (at most follower.loss.hold_s), ${LOSS_TIMELINE}`),
  info('gm_pid_pursuit', 'velocity_body', false, 'Gimbal-driven PID pursuit', 'not implemented: needs gimbal angles (a GIMBAL_ANGLES tracker)'),
  info('gm_velocity_vector', 'velocity_body', false, 'Gimbal-driven velocity vector', 'not implemented: needs gimbal angles (a GIMBAL_ANGLES tracker)'),
  info('fw_attitude_rate', 'attitude_rate', false, 'Fixed wing, attitude rates', 'not implemented: no fixed-wing model to test it against'),
  info('mc_velocity', 'velocity_body', false, 'Multicopter, plain body velocity (the original\'s early generic follower)',
    'not implemented: superseded by mc_velocity_ground and mc_velocity_chase'),
  info('mc_attitude_rate', 'attitude_rate', true,
    'Multicopter, forward camera, body rates + thrust: x error → yaw rate, y error → pitch rate, coordinated roll, altitude held by thrust',
    `levels the vehicle at hover thrust holding the altitude, ${LOSS_TIMELINE}`),
];

export const IMPLEMENTED_PROFILES: readonly string[] = PROFILES.filter((p) => p.implemented).map((p) => p.name);

/** Case-insensitive lookup; throws VehicleError for an unknown or unimplemented name. */
export function requireProfile(name: string): ProfileInfo & { name: ImplementedProfileName } {
  const n = String(name).toLowerCase();
  const p = PROFILES.find((e) => e.name === n);
  if (!p) {
    throw new VehicleError('SKYFEED_ERR_UNKNOWN_PROFILE', `Unknown follower profile ${JSON.stringify(name)}; valid: ${PROFILES.map((e) => e.name).join(', ')}`);
  }
  if (!p.implemented) {
    throw new VehicleError('SKYFEED_ERR_PROFILE_NOT_IMPLEMENTED',
      `Follower profile ${p.name} is not implemented (${p.loss_behaviour.replace(/^not implemented: /, '')}); implemented: ${IMPLEMENTED_PROFILES.join(', ')}`);
  }
  return p as ProfileInfo & { name: ImplementedProfileName };
}

export interface FollowerSettings {
  follower: FollowerConfig;
  safety: SafetyConfig;
  /** Camera frame height / width (the server's streaming size); default 4:3. */
  cameraAspect?: number;
}

const DEFAULT_ASPECT = 3 / 4;

/** The loss policy of a profile: follower.loss with the profile's overrides. */
export function lossPolicyFor(name: ImplementedProfileName, cfg: FollowerConfig): LossPolicyConfig {
  return { ...cfg.loss, ...cfg.profiles[name]?.loss };
}

/**
 * Problems in the follower settings that the schema cannot see: profile
 * limits looser than the global ones, loss timelines out of order.
 */
export function followerConfigProblems(s: FollowerSettings): string[] {
  const problems: string[] = [];
  const global = globalLimits(s.safety);
  if (s.safety.min_altitude_m >= s.safety.max_altitude_m) problems.push(`safety.min_altitude_m (${s.safety.min_altitude_m}) must be below safety.max_altitude_m (${s.safety.max_altitude_m})`);
  if (s.safety.min_thrust > s.safety.max_thrust) problems.push(`safety.min_thrust (${s.safety.min_thrust}) must be <= safety.max_thrust (${s.safety.max_thrust})`);
  for (const name of IMPLEMENTED_PROFILES as ImplementedProfileName[]) {
    problems.push(...tightenLimits(global, s.follower.profiles[name]?.limits, `follower.profiles.${name}.limits`).problems);
    const loss = lossPolicyFor(name, s.follower);
    if (loss.action_after_s < loss.hold_s) {
      problems.push(`follower loss policy of ${name}: action_after_s (${loss.action_after_s}) must be >= hold_s (${loss.hold_s})`);
    }
  }
  return problems;
}

function createLaw(name: ImplementedProfileName, s: FollowerSettings): ControlLaw {
  const f = s.follower;
  const { limits } = tightenLimits(globalLimits(s.safety), f.profiles[name]?.limits, name);
  switch (name) {
    case 'mc_velocity_ground':
      return new McVelocityGround({
        limits, gains: f.gains, descendToTarget: f.descend_to_target, maxDescentMs: f.max_descent_m_s,
        feedForwardGain: f.feed_forward.enabled ? f.feed_forward.gain : 0,
      });
    case 'mc_velocity_chase':
      return new McVelocityChase({ limits, gains: f.gains, mode: f.chase_mode, accelMs2: f.chase_accel_m_s2, minConfidence: f.chase_min_confidence });
    case 'mc_velocity_position':
      return new McVelocityPosition({ limits, gains: f.gains });
    case 'mc_attitude_rate':
      return new McAttitudeRate({ limits, gains: f.gains, hoverThrust: f.hover_thrust });
  }
}

/** A follower for the named (implemented) profile; throws VehicleError otherwise. */
export function createFollower(name: string, s: FollowerSettings, onLossTransition?: (t: LossTransition) => void): Follower {
  const p = requireProfile(name);
  const f = s.follower;
  return new Follower({
    law: createLaw(p.name, s),
    loss: lossPolicyFor(p.name, f),
    aimX: f.aim_x,
    aimY: f.aim_y,
    inputTimeoutMs: f.input_timeout_s * 1000,
    maxAccelMs2: f.max_accel_m_s2,
    smoothing: f.command_smoothing,
    hoverThrust: f.hover_thrust,
    // Only the ground profile feeds the target's velocity forward (its camera looks down).
    motion: f.feed_forward.enabled && p.name === 'mc_velocity_ground'
      ? new TargetMotion({ hfovDeg: f.feed_forward.camera_hfov_deg, aspect: s.cameraAspect ?? DEFAULT_ASPECT, timeConstantS: f.feed_forward.time_constant_s })
      : undefined,
    onLossTransition,
  });
}
