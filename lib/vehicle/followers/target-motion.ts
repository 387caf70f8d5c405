// The target's own ground velocity, estimated from the down-looking camera:
// where the target is relative to the vehicle (its image offset times the
// ground the image covers at this altitude) changes at the target's velocity
// minus the vehicle's, so target velocity = vehicle velocity + d(offset)/dt.
// A P(ID) law on the image error alone trails a moving target by
// speed / gain (about 0.2 of the half-frame for a walking person at the
// original's gains); feeding this velocity forward removes that lag and
// leaves the PID only the residual error. Low-passed, because one pixel of
// tracker jitter at 30 fps is ~1 m/s of raw derivative at 20 m.
// Yaw is ignored: the ground profile holds yaw at 0.

import type { VehicleState } from '../vehicle-state.js';

export interface TargetMotionOptions {
  /** The camera's horizontal field of view, degrees. */
  hfovDeg: number;
  /** Frame height / width (normalized y spans half the height). */
  aspect: number;
  /** Low-pass time constant of the estimate, s. */
  timeConstantS: number;
}

/** Samples further apart than this restart the estimate (a dropout, not motion). */
const MAX_GAP_S = 0.5;
/** Samples closer than this carry no usable derivative (same frame twice). */
const MIN_GAP_S = 0.005;
/** Beyond this the estimate is garbage (a jump of the track), not a target: restart. */
const MAX_SPEED_M_S = 30;

export class TargetMotion {
  /** Estimated target velocity over ground in the body frame, m/s; valid once two samples agreed. */
  fwd = 0;
  right = 0;
  valid = false;
  readonly #o: TargetMotionOptions;
  /** tan(hfov / 2). */
  readonly #tanHalf: number;
  /** The previous sample: offset in metres (body frame) and its capture time, s. */
  #prevFwd = 0;
  #prevRight = 0;
  #prevT = Number.NaN;

  constructor(o: TargetMotionOptions) {
    this.#o = o;
    this.#tanHalf = Math.tan((o.hfovDeg * Math.PI) / 360);
  }

  /**
   * One usable tracker sample: normalized error (ex right, ey down) at
   * capture time `tS` (seconds). Needs the altitude and the vehicle's body
   * velocity; without them the estimate is dropped, not guessed.
   */
  observe(ex: number, ey: number, tS: number, v: VehicleState): void {
    if (v.alt_m === null || v.vel_fwd_m_s === null || v.vel_right_m_s === null || !(v.alt_m > 0)) return this.reset();
    const halfW = v.alt_m * this.#tanHalf;
    const right = ex * halfW;
    const fwd = -ey * halfW * this.#o.aspect;
    const dt = tS - this.#prevT;
    const hadPrev = Number.isFinite(dt);
    const pf = this.#prevFwd;
    const pr = this.#prevRight;
    this.#prevFwd = fwd;
    this.#prevRight = right;
    this.#prevT = tS;
    if (!hadPrev || dt > MAX_GAP_S || dt < 0) {
      this.valid = false;
      return;
    }
    if (dt < MIN_GAP_S) return;
    const rawFwd = v.vel_fwd_m_s + (fwd - pf) / dt;
    const rawRight = v.vel_right_m_s + (right - pr) / dt;
    if (Math.hypot(rawFwd, rawRight) > MAX_SPEED_M_S) return this.reset();
    if (!this.valid) {
      // Prior: the target moves with us; one raw derivative is too noisy to start from.
      this.fwd = v.vel_fwd_m_s;
      this.right = v.vel_right_m_s;
      this.valid = true;
    }
    const a = 1 - Math.exp(-dt / this.#o.timeConstantS);
    this.fwd += (rawFwd - this.fwd) * a;
    this.right += (rawRight - this.right) * a;
  }

  reset(): void {
    this.fwd = 0;
    this.right = 0;
    this.valid = false;
    this.#prevT = Number.NaN;
  }
}
