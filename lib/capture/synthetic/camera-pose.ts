// The synthetic camera's geometry: a pinhole camera looking straight down from
// a vehicle. Image up is the vehicle's forward direction (yaw 0 = north,
// clockwise positive), image right is the vehicle's right. The scene renders
// with it and the follower will drive it, so both sides share one definition.

export interface CameraPose {
  north_m: number;
  east_m: number;
  /** Height above the (flat) ground, metres. */
  alt_m: number;
  yaw_deg: number;
}

/** Where the camera looks from when nothing else says. */
export const DEFAULT_POSE: Readonly<CameraPose> = { north_m: 0, east_m: 0, alt_m: 20, yaw_deg: 0 };

/** About a typical small-drone camera's horizontal field of view. */
export const DEFAULT_HFOV_DEG = 60;

/** Lowest altitude rendered: below it a texel would cover many pixels and the picture stops looking like a camera's. */
export const MIN_ALT_M = 2;
export const MAX_ALT_M = 400;

/** Focal length in pixels for an image `width` wide with horizontal field of view `hfovDeg`. */
export function focalPx(width: number, hfovDeg = DEFAULT_HFOV_DEG): number {
  return width / 2 / Math.tan((hfovDeg * Math.PI) / 360);
}

/** A clear error for a pose that cannot be rendered (NaN from a broken follower, a camera underground). */
export function checkPose(p: CameraPose): void {
  for (const k of ['north_m', 'east_m', 'alt_m', 'yaw_deg'] as const) {
    if (typeof p[k] !== 'number' || !Number.isFinite(p[k])) throw new TypeError(`pose.${k} must be a finite number, got ${String(p[k])}`);
  }
  if (p.alt_m < MIN_ALT_M || p.alt_m > MAX_ALT_M) throw new RangeError(`pose.alt_m must be within ${MIN_ALT_M}..${MAX_ALT_M} m, got ${p.alt_m}`);
}

/**
 * Image projection of one pose, computed once per frame: pixel ↔ ground in
 * metres. Mutable and reused so the renderer allocates nothing per frame.
 */
export class PoseProjection {
  readonly width: number;
  readonly height: number;
  readonly focal: number;
  /** Metres of ground per pixel at the current altitude. */
  mPerPx = 1;
  #north = 0;
  #east = 0;
  /** cos/sin of the yaw. */
  #c = 1;
  #s = 0;

  constructor(width: number, height: number, hfovDeg = DEFAULT_HFOV_DEG) {
    this.width = width;
    this.height = height;
    this.focal = focalPx(width, hfovDeg);
  }

  set(p: CameraPose): void {
    this.mPerPx = p.alt_m / this.focal;
    this.#north = p.north_m;
    this.#east = p.east_m;
    const yaw = (p.yaw_deg * Math.PI) / 180;
    this.#c = Math.cos(yaw);
    this.#s = Math.sin(yaw);
  }

  /** North of the ground point seen at image point (x, y) (continuous pixel coordinates, origin top-left). */
  northAt(x: number, y: number): number {
    const fwd = (this.height / 2 - y) * this.mPerPx;
    const right = (x - this.width / 2) * this.mPerPx;
    return this.#north + fwd * this.#c - right * this.#s;
  }

  eastAt(x: number, y: number): number {
    const fwd = (this.height / 2 - y) * this.mPerPx;
    const right = (x - this.width / 2) * this.mPerPx;
    return this.#east + fwd * this.#s + right * this.#c;
  }

  /** Image x of the ground point (north, east). */
  xOf(north: number, east: number): number {
    const dn = north - this.#north;
    const de = east - this.#east;
    const right = -dn * this.#s + de * this.#c;
    return this.width / 2 + right / this.mPerPx;
  }

  yOf(north: number, east: number): number {
    const dn = north - this.#north;
    const de = east - this.#east;
    const fwd = dn * this.#c + de * this.#s;
    return this.height / 2 - fwd / this.mPerPx;
  }

  /** d(north)/dx and friends: how ground coordinates change per pixel step. */
  get dNorthDx(): number { return -this.#s * this.mPerPx; }
  get dEastDx(): number { return this.#c * this.mPerPx; }
  get dNorthDy(): number { return -this.#c * this.mPerPx; }
  get dEastDy(): number { return -this.#s * this.mPerPx; }
}
