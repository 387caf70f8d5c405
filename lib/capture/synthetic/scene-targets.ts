// What moves in the aerial scenes, in ground coordinates (metres, north/east),
// as functions of scene time. Sizes are real ones (a car 4.5 × 1.8 m, a person
// 0.6 m across seen from above) so their pixel size follows the altitude.

export type AerialSceneKind = 'aerial' | 'aerial_occluded' | 'aerial_fast';
export const AERIAL_SCENE_KINDS: readonly AerialSceneKind[] = ['aerial', 'aerial_occluded', 'aerial_fast'];

/** One sinusoid: offset + amp·sin(2πt/period + phase). */
export interface Wave {
  offset: number;
  amp: number;
  period_s: number;
  phase: number;
}

export interface TargetSpec {
  id: number;
  class_name: 'car' | 'person';
  /** Extent along east (car length) and along north, metres. A person is a disk of diameter `length_m`. */
  length_m: number;
  width_m: number;
  north: Wave;
  east: Wave;
}

/** A tree crown: an ellipse in ground coordinates drawn over the targets. */
export interface OccluderSpec {
  north_m: number;
  east_m: number;
  /** Semi-axes along east and north. */
  semi_east_m: number;
  semi_north_m: number;
}

/** The camera's own slow motion when no external pose drives it: drift and a ±4 m altitude swing (scale ±20 %). */
export interface OwnPath {
  north: Wave;
  east: Wave;
  alt: Wave;
}

export interface SceneSpec {
  targets: TargetSpec[];
  occluder: OccluderSpec | null;
  camera: OwnPath;
}

const w = (offset: number, amp: number, period_s: number, phase = 0): Wave => ({ offset, amp, period_s, phase });

export const waveAt = (v: Wave, t: number): number => v.offset + v.amp * Math.sin((2 * Math.PI * t) / v.period_s + v.phase);

const CAMERA: OwnPath = { north: w(0, 0.8, 29), east: w(0, 0.8, 23), alt: w(20, 4, 24) };

/**
 * Normal motion: the car swings east and west (±6 m, peak ≈3.1 m/s, ≈2.9
 * px/frame at 20 m and 30 fps), curving north to 3 m as it crosses east = 0
 * every 6 s, which is where the occluded variant's tree stands, and back to
 * 0 m at the ends, clear of the tree; the person walks (≈1.2 m/s)
 * south of the car's lane and clear of the tree, so nothing touches it.
 */
function normalTargets(): TargetSpec[] {
  return [
    { id: 1, class_name: 'car', length_m: 4.5, width_m: 1.8, east: w(0, 6, 12, -Math.PI / 2), north: w(1.5, 1.5, 6, -Math.PI / 2) },
    { id: 2, class_name: 'person', length_m: 0.6, width_m: 0.6, east: w(-3, 2.5, 17, 2), north: w(-4, 1.6, 11) },
  ];
}

/** Fast motion: the car peaks at ≈40 m/s, up to ≈47 px/frame at 30 fps when the camera is lowest (16 m), the person at ≈20 px/frame. */
function fastTargets(): TargetSpec[] {
  return [
    { id: 1, class_name: 'car', length_m: 4.5, width_m: 1.8, east: w(0, 6, 0.95, -Math.PI / 2), north: w(1.5, 1.5, 1.3) },
    { id: 2, class_name: 'person', length_m: 0.6, width_m: 0.6, east: w(-3, 2.5, 1.0, 2), north: w(-4, 1.6, 0.9) },
  ];
}

/** A tree crown over the car's crossing: hides the car completely for about a second every 6 s. */
const TREE: OccluderSpec = { north_m: 3, east_m: 0, semi_east_m: 4.1, semi_north_m: 2.6 };

export function sceneSpec(kind: AerialSceneKind): SceneSpec {
  switch (kind) {
    case 'aerial': return { targets: normalTargets(), occluder: null, camera: CAMERA };
    case 'aerial_occluded': return { targets: normalTargets(), occluder: TREE, camera: CAMERA };
    case 'aerial_fast': return { targets: fastTargets(), occluder: null, camera: CAMERA };
  }
}
