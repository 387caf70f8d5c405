// What the main thread tells the synthetic camera thread while it runs: the
// camera pose (the simulated vehicle's position, so following a target moves
// the view) and a freeze switch (the video-freeze drill). The camera loop
// never returns to its event loop, so this is shared memory, not messages:
// the writer bumps a version to odd, writes, bumps it to even; the reader
// takes a pose only from an even, unchanged version.

import type { CameraPose } from './camera-pose.js';

// Int32 fields.
const kVersion = 0;
const kHasPose = 1;
const kFrozen = 2;
const INTS = 4;
// Float64 fields, after the ints.
const kNorth = 0;
const kEast = 1;
const kAlt = 2;
const kYaw = 3;
const FLOATS = 4;

export class CameraControl {
  readonly sab: SharedArrayBuffer;
  readonly #i: Int32Array;
  readonly #f: Float64Array;
  /** The version the reader last took a pose at. */
  #seen = -1;

  constructor(sab?: SharedArrayBuffer) {
    this.sab = sab ?? new SharedArrayBuffer(INTS * 4 + FLOATS * 8);
    this.#i = new Int32Array(this.sab, 0, INTS);
    this.#f = new Float64Array(this.sab, INTS * 4, FLOATS);
  }

  // ---- writer (main thread) ----

  /** The pose to render from; null returns the camera to the scene's own motion. */
  setPose(pose: CameraPose | null): void {
    Atomics.add(this.#i, kVersion, 1);
    if (pose) {
      this.#f[kNorth] = pose.north_m;
      this.#f[kEast] = pose.east_m;
      this.#f[kAlt] = pose.alt_m;
      this.#f[kYaw] = pose.yaw_deg;
    }
    Atomics.store(this.#i, kHasPose, pose ? 1 : 0);
    Atomics.add(this.#i, kVersion, 1);
  }

  setFrozen(frozen: boolean): void {
    Atomics.store(this.#i, kFrozen, frozen ? 1 : 0);
  }

  // ---- reader (camera thread) ----

  frozen(): boolean {
    return Atomics.load(this.#i, kFrozen) === 1;
  }

  /**
   * A new pose since the last call: writes it into `out` and returns
   * 'pose', returns 'none' when the writer cleared it, and 'same' when
   * nothing changed (or a write is under way: the next frame takes it).
   */
  poll(out: CameraPose): 'pose' | 'none' | 'same' {
    const v = Atomics.load(this.#i, kVersion);
    if (v === this.#seen || v & 1) return 'same';
    const has = Atomics.load(this.#i, kHasPose) === 1;
    out.north_m = this.#f[kNorth];
    out.east_m = this.#f[kEast];
    out.alt_m = this.#f[kAlt];
    out.yaw_deg = this.#f[kYaw];
    if (Atomics.load(this.#i, kVersion) !== v) return 'same';
    this.#seen = v;
    return has ? 'pose' : 'none';
  }
}
