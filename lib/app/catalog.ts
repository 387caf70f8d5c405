// The tracker types and follower profiles clients select by name. Selecting one is recorded now; the implementations
// arrive with the tracker/follower issue, so each entry says so.

export interface TrackerType {
  name: string;
  description: string;
  /** Telemetry data types it would emit. */
  data_types: string[];
  /** Driven by external hardware rather than the image. */
  external: boolean;
}

export const trackerTypes: readonly TrackerType[] = [
  { name: 'CSRT', description: 'OpenCV CSRT: accurate, slower', data_types: ['POSITION_2D', 'BBOX_CONFIDENCE'], external: false },
  { name: 'KCF', description: 'OpenCV KCF with a Kalman filter: fast, smooth', data_types: ['POSITION_2D', 'BBOX_CONFIDENCE', 'VELOCITY_AWARE'], external: false },
  { name: 'dlib', description: 'dlib correlation tracker', data_types: ['POSITION_2D', 'BBOX_CONFIDENCE'], external: false },
  { name: 'Gimbal', description: 'Angles reported by an external gimbal', data_types: ['GIMBAL_ANGLES'], external: true },
];

export interface FollowerProfile {
  name: string;
  description: string;
  control_type: 'velocity_body_offboard' | 'attitude_rate';
  /** Setpoint fields the follower would publish. */
  fields: string[];
}

const velocity = ['vel_body_fwd', 'vel_body_right', 'vel_body_down', 'yawspeed_deg_s'];
const rates = ['rollspeed_deg_s', 'pitchspeed_deg_s', 'yawspeed_deg_s', 'thrust'];

export const followerProfiles: readonly FollowerProfile[] = [
  { name: 'mc_velocity_ground', description: 'Multicopter, velocity, ground target', control_type: 'velocity_body_offboard', fields: velocity },
  { name: 'mc_velocity_distance', description: 'Multicopter, velocity, constant distance', control_type: 'velocity_body_offboard', fields: velocity },
  { name: 'mc_velocity_position', description: 'Multicopter, velocity, position hold on target', control_type: 'velocity_body_offboard', fields: velocity },
  { name: 'mc_velocity_chase', description: 'Multicopter, velocity, chase', control_type: 'velocity_body_offboard', fields: velocity },
  { name: 'gm_pid_pursuit', description: 'Gimbal-driven PID pursuit', control_type: 'velocity_body_offboard', fields: velocity },
  { name: 'gm_velocity_vector', description: 'Gimbal-driven velocity vector', control_type: 'velocity_body_offboard', fields: velocity },
  { name: 'fw_attitude_rate', description: 'Fixed wing, attitude rate', control_type: 'attitude_rate', fields: rates },
  { name: 'mc_velocity', description: 'Multicopter, plain velocity', control_type: 'velocity_body_offboard', fields: velocity },
  { name: 'mc_attitude_rate', description: 'Multicopter, attitude rate', control_type: 'attitude_rate', fields: rates },
];

/** Case-insensitive lookup; undefined when unknown. */
export function findByName<T extends { name: string }>(list: readonly T[], name: string): T | undefined {
  const n = name.toLowerCase();
  return list.find((e) => e.name.toLowerCase() === n);
}
