// The pose of the down-looking camera, which is the vehicle's: the simulated
// vehicle publishes it (LOCAL_POSITION_NED + ATTITUDE), the synthetic camera
// renders from it, and closed-loop tests project ground targets with it.
// Conventions: camera straight down, image up = vehicle forward, image right =
// vehicle right, yaw 0 = north, clockwise positive; a pinhole camera whose
// focal length follows from its horizontal field of view (as the scene's).

// One definition of the pose, shared with the synthetic camera that renders from it.
import type { CameraPose } from '../capture/synthetic/camera-pose.js';
export type { CameraPose };

/** Where a ground point appears, in the tracker's normalized coordinates. */
export interface ImagePoint {
  /** −1 (left edge) … 1 (right edge). */
  x: number;
  /** −1 (top edge) … 1 (bottom edge). */
  y: number;
  /** Inside the frame (|x| ≤ 1 and |y| ≤ 1). */
  visible: boolean;
}

const RAD = Math.PI / 180;

/** Yaw folded into 0 ≤ yaw < 360. */
export function wrapDeg360(deg: number): number {
  const r = deg % 360;
  return r < 0 ? r + 360 : r;
}

/** Angle folded into −180 < a ≤ 180. */
export function wrapDeg180(deg: number): number {
  const r = wrapDeg360(deg);
  return r > 180 ? r - 360 : r;
}

/**
 * Projects the ground point (north, east) into the image of `pose` (aspect =
 * width / height) and writes it to `out`, which is returned; no allocation,
 * so a 30 fps loop can call it per frame.
 */
export function projectGroundPoint(
  pose: CameraPose, north: number, east: number, hfovDeg: number, aspect: number, out: ImagePoint,
): ImagePoint {
  const dn = north - pose.north_m;
  const de = east - pose.east_m;
  const c = Math.cos(pose.yaw_deg * RAD);
  const s = Math.sin(pose.yaw_deg * RAD);
  const fwd = dn * c + de * s;
  const right = -dn * s + de * c;
  // Half the ground width seen at this height; the height is smaller by the aspect.
  const halfWidth = Math.max(pose.alt_m, 1e-3) * Math.tan((hfovDeg * RAD) / 2);
  out.x = right / halfWidth;
  out.y = (-fwd / halfWidth) * aspect;
  out.visible = Math.abs(out.x) <= 1 && Math.abs(out.y) <= 1;
  return out;
}
