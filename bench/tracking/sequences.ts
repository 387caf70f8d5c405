// Recorded sequences from the synthetic aerial scene: the ground truth of
// every frame plus a checksum of its pixels. Frames are rendered again on
// replay (a 450-frame sequence would hold 415 MB) and each replayed frame
// is checked against the recording, so every tracker sees the same pixels.

import { AerialScene, AerialSceneKind, CameraPose, TargetTruth } from '../../lib/index.js';

export interface SequenceSpec {
  name: string;
  kind: AerialSceneKind;
  frames: number;
  /** External camera pose per frame (the follower's job later); absent: the scene's own motion. */
  pose?: (i: number) => CameraPose;
}

export interface Recording {
  spec: SequenceSpec;
  width: number;
  height: number;
  fps: number;
  /** Per frame, per target. */
  truth: TargetTruth[][];
  hashes: Uint32Array;
}

export const WIDTH = 640;
export const HEIGHT = 480;
export const FPS = 30;

/** FNV-1a over the frame as 32-bit words: ≈0.2 ms at 640x480, enough to catch a replay that differs. */
export function frameHash(px: Uint8Array): number {
  const words = new Uint32Array(px.buffer, px.byteOffset, px.byteLength >> 2);
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193);
  return h >>> 0;
}

export function record(spec: SequenceSpec): Recording {
  const scene = new AerialScene({ width: WIDTH, height: HEIGHT, kind: spec.kind, fps: FPS });
  const px = new Uint8Array(WIDTH * HEIGHT * 3);
  const truth: TargetTruth[][] = [];
  const hashes = new Uint32Array(spec.frames);
  for (let i = 0; i < spec.frames; i++) {
    if (spec.pose) scene.setPose(spec.pose(i));
    truth.push(scene.render(i, px).map((t) => ({ ...t, bbox: [...t.bbox] as TargetTruth['bbox'] })));
    hashes[i] = frameHash(px);
  }
  return { spec, width: WIDTH, height: HEIGHT, fps: FPS, truth, hashes };
}

/** Replays a recording: `each(i, pixels)` per frame; throws if a frame differs from the recording. */
export async function replay(rec: Recording, each: (i: number, px: Uint8Array) => void | Promise<void>): Promise<void> {
  const scene = new AerialScene({ width: rec.width, height: rec.height, kind: rec.spec.kind, fps: rec.fps });
  const px = new Uint8Array(rec.width * rec.height * 3);
  for (let i = 0; i < rec.spec.frames; i++) {
    if (rec.spec.pose) scene.setPose(rec.spec.pose(i));
    scene.render(i, px);
    if (frameHash(px) !== rec.hashes[i]) throw new Error(`${rec.spec.name}: replayed frame ${i} differs from the recording`);
    await each(i, px);
  }
}
