// What the followers and the offboard state machine know about the vehicle,
// filled from telemetry by the link (updated in place, read per frame).

export interface VehicleState {
  /** Height above home (−LOCAL_POSITION_NED.z), metres; null until telemetry arrives. */
  alt_m: number | null;
  /** Attitude in degrees (yaw 0…360 clockwise from north); null until ATTITUDE arrives. */
  roll_deg: number | null;
  pitch_deg: number | null;
  yaw_deg: number | null;
  /** Horizontal speed over ground, m/s (0 until known). */
  ground_speed_m_s: number;
  /** Horizontal velocity in the body frame (forward, right), m/s; null until position and attitude arrive. */
  vel_fwd_m_s: number | null;
  vel_right_m_s: number | null;
  armed: boolean;
  /** The autopilot's HEARTBEAT says OFFBOARD. */
  is_offboard: boolean;
}

export function unknownVehicleState(): VehicleState {
  return { alt_m: null, roll_deg: null, pitch_deg: null, yaw_deg: null, ground_speed_m_s: 0, vel_fwd_m_s: null, vel_right_m_s: null, armed: false, is_offboard: false };
}
