// The latest telemetry from the autopilot, one record per message type,
// updated in place (the link receives tens of packets a second; readers take
// what they need). Times are performance.now() of reception.

import type { CameraPose } from '../camera-pose.js';
import { wrapDeg360 } from '../camera-pose.js';

export interface HeartbeatInfo {
  at_ms: number;
  type: number;
  autopilot: number;
  base_mode: number;
  custom_mode: number;
  system_status: number;
}

export interface AttitudeInfo {
  at_ms: number;
  roll_deg: number;
  pitch_deg: number;
  /** 0…360, clockwise from north. */
  yaw_deg: number;
  rollspeed_deg_s: number;
  pitchspeed_deg_s: number;
  yawspeed_deg_s: number;
}

export interface LocalPositionInfo {
  at_ms: number;
  /** NED metres from home. */
  x: number;
  y: number;
  z: number;
  vx: number;
  vy: number;
  vz: number;
}

export interface GlobalPositionInfo {
  at_ms: number;
  lat_deg: number;
  lon_deg: number;
  alt_m: number;
  relative_alt_m: number;
  heading_deg: number | null;
}

export interface VfrHudInfo {
  at_ms: number;
  airspeed_m_s: number;
  groundspeed_m_s: number;
  heading_deg: number;
  throttle_pct: number;
  alt_m: number;
  climb_m_s: number;
}

export interface SysStatusInfo {
  at_ms: number;
  voltage_v: number | null;
  current_a: number | null;
  battery_remaining_pct: number | null;
  load_pct: number;
  drop_rate_comm_pct: number;
}

export interface VehicleTelemetry {
  heartbeat: HeartbeatInfo | null;
  attitude: AttitudeInfo | null;
  local_position: LocalPositionInfo | null;
  global_position: GlobalPositionInfo | null;
  vfr_hud: VfrHudInfo | null;
  sys_status: SysStatusInfo | null;
}

export function emptyTelemetry(): VehicleTelemetry {
  return { heartbeat: null, attitude: null, local_position: null, global_position: null, vfr_hud: null, sys_status: null };
}

/** Position is extrapolated with the reported velocity for at most this long (telemetry at ≥ 20 Hz is 50 ms apart). */
export const POSE_EXTRAPOLATION_MAX_MS = 100;

/**
 * The camera pose from LOCAL_POSITION_NED + ATTITUDE, extrapolated to `nowMs`
 * with the reported velocity and yaw rate (bounded), written into `out`;
 * false when either message has not arrived yet.
 */
export function poseFromTelemetry(t: VehicleTelemetry, nowMs: number, out: CameraPose): boolean {
  const lp = t.local_position;
  const att = t.attitude;
  if (!lp || !att) return false;
  const dtP = Math.min(Math.max(nowMs - lp.at_ms, 0), POSE_EXTRAPOLATION_MAX_MS) / 1000;
  const dtA = Math.min(Math.max(nowMs - att.at_ms, 0), POSE_EXTRAPOLATION_MAX_MS) / 1000;
  out.north_m = lp.x + lp.vx * dtP;
  out.east_m = lp.y + lp.vy * dtP;
  out.alt_m = -(lp.z + lp.vz * dtP);
  out.yaw_deg = wrapDeg360(att.yaw_deg + att.yawspeed_deg_s * dtA);
  return true;
}
