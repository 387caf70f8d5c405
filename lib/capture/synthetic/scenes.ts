// The synthetic camera's pictures. `moving`/`static`: a textured ground seen
// from above, sensor noise, moving targets whose true boxes are known, and a
// frame counter. The aerial kinds (pose-driven, noisy targets, occluder,
// fast mode) live in lib/vision/sim/ so the tracking bench can use them;
// createScene() gives the camera thread either behind one interface.
//
// Everything expensive is precomputed: the ground texture with K noise
// patterns baked in, so a frame costs one memcpy plus drawing the targets and
// the counter (about 0.1 ms at 640x480 instead of a per-pixel noise loop).

import { mulberry32 as rng } from '../../util/mulberry32.js';
import { drawText, textWidth, GLYPH_H } from '../../util/bitmap-font.js';
import { AerialScene, TargetTruth } from './aerial-scene.js';
import { AERIAL_SCENE_KINDS, AerialSceneKind, sceneSpec } from './scene-targets.js';
import type { CameraPose } from './camera-pose.js';

export interface Box {
  id: number;
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Noise patterns cycled frame by frame: 4 looks live at 640x480 (3.7 MB);
 * from 720p up, 2 keep the camera thread's memory near that (12 MB at 1080p).
 */
const noiseVariants = (width: number, height: number) => (width * height > 640 * 480 * 2 ? 2 : 4);


/**
 * Smooth value noise: a lattice of random values, bilinearly interpolated.
 * Sampled per pixel rather than rendered into a full float image, so the
 * texture build allocates only the small lattices (a 1080p scene would
 * otherwise leave ~25 MB of float arrays for the GC to find some day).
 */
function valueNoise(width: number, height: number, cell: number, rand: () => number): (x: number, y: number) => number {
  const gw = Math.ceil(width / cell) + 2;
  const gh = Math.ceil(height / cell) + 2;
  const grid = new Float32Array(gw * gh);
  for (let i = 0; i < grid.length; i++) grid[i] = rand();
  return (x, y) => {
    const gy = y / cell;
    const y0 = Math.floor(gy);
    const fy = gy - y0;
    const sy = fy * fy * (3 - 2 * fy);
    const gx = x / cell;
    const x0 = Math.floor(gx);
    const fx = gx - x0;
    const sx = fx * fx * (3 - 2 * fx);
    const a = grid[y0 * gw + x0];
    const b = grid[y0 * gw + x0 + 1];
    const c = grid[(y0 + 1) * gw + x0];
    const d = grid[(y0 + 1) * gw + x0 + 1];
    return (a + (b - a) * sx) * (1 - sy) + (c + (d - c) * sx) * sy;
  };
}

/** Fields, a road and grainy ground: detail at several scales, like aerial video. */
function groundTexture(width: number, height: number): Uint8Array {
  const rand = rng(20261125);
  const scale = Math.max(width, height) / 640;
  const coarse = valueNoise(width, height, Math.round(96 * scale), rand);
  const mid = valueNoise(width, height, Math.round(20 * scale), rand);
  const fine = valueNoise(width, height, Math.max(2, Math.round(4 * scale)), rand);
  const rgb = new Uint8Array(width * height * 3);
  const roadHalf = 9 * scale;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const field = coarse(x, y);
      const f = fine(x, y);
      const detail = mid(x, y) * 0.6 + f * 0.4;
      // Crop fields alternate between green and ochre by the coarse noise.
      let r = field > 0.5 ? 120 + 60 * detail : 60 + 50 * detail;
      let g = field > 0.5 ? 105 + 50 * detail : 95 + 70 * detail;
      let b = field > 0.5 ? 60 + 30 * detail : 40 + 30 * detail;
      // Furrows: a faint stripe pattern inside the fields.
      const furrow = ((x + y * 0.5) / (6 * scale)) % 2 < 1 ? 8 : -8;
      r += furrow; g += furrow; b += furrow / 2;
      // A diagonal road with a centre line.
      const d = Math.abs(y - (0.35 * height + 0.25 * x));
      if (d < roadHalf) {
        const paint = d < scale * 1.2 && (x / (12 * scale)) % 2 < 1;
        r = g = b = paint ? 230 : 95 + 25 * f;
      }
      rgb[i * 3] = Math.max(0, Math.min(255, r));
      rgb[i * 3 + 1] = Math.max(0, Math.min(255, g));
      rgb[i * 3 + 2] = Math.max(0, Math.min(255, b));
    }
  }
  return rgb;
}

interface TargetSpec {
  id: number;
  label: string;
  w: number; // fraction of frame width
  h: number; // fraction of frame height
  color: [number, number, number];
  // Lissajous path in fractions of the frame: centre, amplitude, period (frames).
  cx: number; cy: number; ax: number; ay: number; px: number; py: number;
}

const TARGETS: TargetSpec[] = [
  { id: 1, label: 'vehicle', w: 0.09, h: 0.07, color: [200, 30, 30], cx: 0.5, cy: 0.5, ax: 0.35, ay: 0.3, px: 360, py: 240 },
  { id: 2, label: 'person', w: 0.035, h: 0.06, color: [30, 60, 210], cx: 0.3, cy: 0.6, ax: 0.2, ay: 0.25, px: 510, py: 330 },
];

/** True boxes of the targets in frame `index`, in pixels, clipped to the frame. */
export function targetBoxes(index: number, width: number, height: number): Box[] {
  return TARGETS.map((t) => {
    const bw = Math.round(t.w * width);
    const bh = Math.round(t.h * height);
    const cx = (t.cx + t.ax * Math.sin((2 * Math.PI * index) / t.px)) * width;
    const cy = (t.cy + t.ay * Math.sin((2 * Math.PI * index) / t.py + 1)) * height;
    const x = Math.max(0, Math.min(width - bw, Math.round(cx - bw / 2)));
    const y = Math.max(0, Math.min(height - bh, Math.round(cy - bh / 2)));
    return { id: t.id, label: t.label, x, y, width: bw, height: bh };
  });
}

const WHITE = [255, 255, 255] as const;

export class SyntheticScene {
  readonly width: number;
  readonly height: number;
  readonly frameBytes: number;
  /** Ground texture with noise pattern k baked in, one per variant. */
  readonly #noisy: Uint8Array[] = [];

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.frameBytes = width * height * 3;
    const ground = groundTexture(width, height);
    const rand = rng(7);
    for (let k = 0; k < noiseVariants(width, height); k++) {
      const v = new Uint8Array(this.frameBytes);
      for (let i = 0; i < v.length; i++) {
        // Sensor noise: roughly gaussian (sum of two uniforms), sigma ~3 levels.
        const n = (rand() + rand() - 1) * 7;
        const p = ground[i] + n;
        v[i] = p < 0 ? 0 : p > 255 ? 255 : p;
      }
      this.#noisy.push(v);
    }
  }

  /** Renders frame `index` into `out` (width*height*3 RGB bytes). */
  render(index: number, out: Uint8Array, still = false): void {
    out.set(this.#noisy[still ? 0 : index % this.#noisy.length]);
    if (!still) {
      for (const box of targetBoxes(index, this.width, this.height)) this.#drawTarget(out, box, index);
    }
    this.#drawCounter(out, still ? 0 : index);
  }

  #fill(out: Uint8Array, x0: number, y0: number, w: number, h: number, r: number, g: number, b: number): void {
    const W = this.width;
    const x1 = Math.min(W, x0 + w);
    const y1 = Math.min(this.height, y0 + h);
    for (let y = Math.max(0, y0); y < y1; y++) {
      let i = (y * W + Math.max(0, x0)) * 3;
      for (let x = Math.max(0, x0); x < x1; x++) {
        out[i++] = r; out[i++] = g; out[i++] = b;
      }
    }
  }

  #drawTarget(out: Uint8Array, box: Box, index: number): void {
    const t = TARGETS[box.id - 1];
    const [r, g, b] = t.color;
    this.#fill(out, box.x, box.y, box.width, box.height, r, g, b);
    // A lighter roof and a dark stripe that turns with time give the tracker texture.
    const m = Math.max(1, Math.round(box.width / 5));
    this.#fill(out, box.x + m, box.y + m, box.width - 2 * m, box.height - 2 * m, Math.min(255, r + 50), Math.min(255, g + 50), Math.min(255, b + 50));
    const stripe = Math.max(1, Math.round(box.height / 6));
    const sy = box.y + ((index >> 3) % Math.max(1, box.height - stripe));
    this.#fill(out, box.x, sy, box.width, stripe, 20, 20, 20);
  }

  #drawCounter(out: Uint8Array, index: number): void {
    // The same 5x7 font as the NO SIGNAL frame, white on a black box, top left.
    const scale = Math.max(2, Math.round(this.height / 120));
    const text = String(index % 1e7).padStart(7, '0');
    const pad = scale * 2;
    this.#fill(out, pad, pad, textWidth(text, scale) + 2 * pad, GLYPH_H * scale + 2 * pad, 0, 0, 0);
    drawText(out, this.width, this.height, text, 2 * pad, 2 * pad, scale, WHITE);
  }
}

// ---------------------------------------------------------------------------
// Scene kinds. `moving` and `static` are the counter scene above (the
// streaming benchmark depends on its exact pixels); the aerial kinds render
// from a camera pose with ground truth (lib/vision/sim/aerial-scene.ts).

export type SceneKind = 'moving' | 'static' | AerialSceneKind;
export const SCENE_KINDS: readonly SceneKind[] = ['moving', 'static', ...AERIAL_SCENE_KINDS];

/** What the camera thread renders with: pixels plus the true target boxes of that very frame. */
export interface SceneRenderer {
  readonly kind: SceneKind;
  readonly width: number;
  readonly height: number;
  readonly frameBytes: number;
  /** Renders frame `index` into `out`; returns the frame's ground truth (reused array; empty for `static`). */
  render(index: number, out: Uint8Array): readonly TargetTruth[];
  /** External camera pose (aerial kinds only); null returns to the scene's own motion. */
  setPose(pose: CameraPose | null): void;
}

/** The counter scene behind the renderer interface: truth from targetBoxes(), which is what it draws. */
class CounterSceneRenderer implements SceneRenderer {
  readonly kind: SceneKind;
  readonly width: number;
  readonly height: number;
  readonly frameBytes: number;
  readonly #scene: SyntheticScene;
  readonly #still: boolean;
  /** Ground truth, rewritten per frame. */
  readonly #truth: TargetTruth[];

  constructor(kind: 'moving' | 'static', width: number, height: number) {
    this.kind = kind;
    this.#scene = new SyntheticScene(width, height);
    this.width = width;
    this.height = height;
    this.frameBytes = this.#scene.frameBytes;
    this.#still = kind === 'static';
    this.#truth = this.#still ? [] : targetBoxes(0, width, height).map((b) => ({ id: b.id, class_name: b.label, bbox: [0, 0, 0, 0], visible: true }));
  }

  render(index: number, out: Uint8Array): readonly TargetTruth[] {
    this.#scene.render(index, out, this.#still);
    if (!this.#still) {
      const boxes = targetBoxes(index, this.width, this.height);
      for (let k = 0; k < boxes.length; k++) {
        const bb = this.#truth[k].bbox;
        bb[0] = boxes[k].x; bb[1] = boxes[k].y; bb[2] = boxes[k].width; bb[3] = boxes[k].height;
      }
    }
    return this.#truth;
  }

  setPose(pose: CameraPose | null): void {
    if (pose !== null) throw new RangeError(`scene "${this.kind}" has no camera pose; use an aerial scene`);
  }
}

/** A renderer for `kind` (the config's source.scene). Throws a RangeError naming the valid kinds. */
export function createScene(kind: SceneKind, width: number, height: number, fps = 30): SceneRenderer {
  if (kind === 'moving' || kind === 'static') return new CounterSceneRenderer(kind, width, height);
  if ((AERIAL_SCENE_KINDS as readonly string[]).includes(kind)) return new AerialScene({ width, height, kind, fps });
  throw new RangeError(`unknown scene "${String(kind)}"; valid: ${SCENE_KINDS.join(', ')}`);
}

/** The class name of each target id a scene draws (ground truth carries ids; names are looked up on the reading side). */
export function sceneTargetNames(kind: SceneKind): [number, string][] {
  if (kind === 'static') return [];
  if (kind === 'moving') return targetBoxes(0, 640, 480).map((b) => [b.id, b.label]);
  return sceneSpec(kind).targets.map((t) => [t.id, t.class_name]);
}
