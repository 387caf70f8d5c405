// What a follower asks of the vehicle, before it is encoded as MAVLink:
// body velocities + yaw rate (SET_POSITION_TARGET_LOCAL_NED, MAV_FRAME_BODY_NED)
// or body rates + thrust (SET_ATTITUDE_TARGET). Setpoints are mutable and
// reused: the follower writes into one object per tracker frame instead of
// allocating.

export interface VelocityBodySetpoint {
  kind: 'velocity_body';
  /** m/s, forward positive. */
  fwd: number;
  /** m/s, right positive. */
  right: number;
  /** m/s, down positive. */
  down: number;
  /** Clockwise positive. */
  yawspeed_deg_s: number;
}

export interface AttitudeRateSetpoint {
  kind: 'attitude_rate';
  /** deg/s, right wing down positive. */
  roll_rate: number;
  /** deg/s, nose up positive. */
  pitch_rate: number;
  /** deg/s, clockwise positive. */
  yaw_rate: number;
  /** Collective thrust 0…1. */
  thrust: number;
}

export type Setpoint = VelocityBodySetpoint | AttitudeRateSetpoint;
export type SetpointKind = Setpoint['kind'];
/** The original's names for the two kinds. */
export type ControlType = 'velocity_body_offboard' | 'attitude_rate';

export const CONTROL_TYPE: Readonly<Record<SetpointKind, ControlType>> = {
  velocity_body: 'velocity_body_offboard',
  attitude_rate: 'attitude_rate',
};

/** Telemetry field names, in the original's spelling, per kind. */
export const SETPOINT_FIELDS: Readonly<Record<SetpointKind, readonly string[]>> = {
  velocity_body: ['vel_body_fwd', 'vel_body_right', 'vel_body_down', 'yawspeed_deg_s'],
  attitude_rate: ['rollspeed_deg_s', 'pitchspeed_deg_s', 'yawspeed_deg_s', 'thrust'],
};

export function newSetpoint(kind: SetpointKind, hoverThrust: number): Setpoint {
  return kind === 'velocity_body'
    ? { kind, fwd: 0, right: 0, down: 0, yawspeed_deg_s: 0 }
    : { kind, roll_rate: 0, pitch_rate: 0, yaw_rate: 0, thrust: hoverThrust };
}

/** The "zero" setpoint: no motion, or no rotation at hover thrust (zero thrust would drop the vehicle). */
export function setNeutral(sp: Setpoint, hoverThrust: number): void {
  if (sp.kind === 'velocity_body') {
    sp.fwd = 0; sp.right = 0; sp.down = 0; sp.yawspeed_deg_s = 0;
  } else {
    sp.roll_rate = 0; sp.pitch_rate = 0; sp.yaw_rate = 0; sp.thrust = hoverThrust;
  }
}

/** Copies src into dst of the same kind (false when the kinds differ). */
export function copySetpoint(dst: Setpoint, src: Setpoint): boolean {
  if (dst.kind === 'velocity_body' && src.kind === 'velocity_body') {
    dst.fwd = src.fwd; dst.right = src.right; dst.down = src.down; dst.yawspeed_deg_s = src.yawspeed_deg_s;
    return true;
  }
  if (dst.kind === 'attitude_rate' && src.kind === 'attitude_rate') {
    dst.roll_rate = src.roll_rate; dst.pitch_rate = src.pitch_rate; dst.yaw_rate = src.yaw_rate; dst.thrust = src.thrust;
    return true;
  }
  return false;
}

/** The setpoint as the original's `fields` map (telemetry; allocates, called per request). */
export function setpointFields(sp: Setpoint): Record<string, number> {
  return sp.kind === 'velocity_body'
    ? { vel_body_fwd: sp.fwd, vel_body_right: sp.right, vel_body_down: sp.down, yawspeed_deg_s: sp.yawspeed_deg_s }
    : { rollspeed_deg_s: sp.roll_rate, pitchspeed_deg_s: sp.pitch_rate, yawspeed_deg_s: sp.yaw_rate, thrust: sp.thrust };
}
