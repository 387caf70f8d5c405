// The ground the synthetic camera flies over: a square of farmland that wraps
// around (a torus), so the vehicle can fly anywhere and always sees ground.
// Built once per process (≈0.3 s) and shared: 2048² texels packed in a
// Uint32Array (16 MiB), one read per rendered pixel.

import { mulberry32 } from '../../util/mulberry32.js';

/** Texels per side; a power of two so wrapping is a mask. */
export const TEXTURE_SIZE = 2048;
export const TEXTURE_SHIFT = 11;
export const TEXTURE_MASK = TEXTURE_SIZE - 1;
/** Metres per texel: at the default 20 m altitude and 60° FOV a texel is ≈1.1 px of a 640 px image. */
export const TEXEL_M = 0.04;
/** The world repeats every 81.92 m. */
export const WORLD_M = TEXTURE_SIZE * TEXEL_M;

/**
 * Every channel stays within [LO, HI] so the renderer can add sensor noise of
 * at most ±(255 − HI) without clamping each byte (measured: clamping costs a
 * third of the frame).
 */
export const CHANNEL_LO = 12;
export const CHANNEL_HI = 243;


/** Periodic value noise: a lattice of `TEXTURE_SIZE / cell` random values per side, wrapped, smoothly interpolated. */
function periodicNoise(cell: number, rand: () => number): (x: number, y: number) => number {
  const n = TEXTURE_SIZE / cell;
  const grid = new Float32Array(n * n);
  for (let i = 0; i < grid.length; i++) grid[i] = rand();
  return (x, y) => {
    const gx = x / cell;
    const gy = y / cell;
    const x0 = Math.floor(gx);
    const y0 = Math.floor(gy);
    let fx = gx - x0;
    let fy = gy - y0;
    fx = fx * fx * (3 - 2 * fx);
    fy = fy * fy * (3 - 2 * fy);
    const xa = ((x0 % n) + n) % n;
    const xb = (xa + 1) % n;
    const ya = (((y0 % n) + n) % n) * n;
    const yb = ((ya / n + 1) % n) * n;
    const a = grid[ya + xa];
    const b = grid[ya + xb];
    const c = grid[yb + xa];
    const d = grid[yb + xb];
    return (a + (b - a) * fx) * (1 - fy) + (c + (d - c) * fx) * fy;
  };
}

const clampChannel = (v: number): number => (v < CHANNEL_LO ? CHANNEL_LO : v > CHANNEL_HI ? CHANNEL_HI : Math.round(v));

/**
 * Fields (green and ochre, by a coarse noise), grain at two finer scales,
 * furrows, and straight roads with a dashed centre line. Texel (u, v) is at
 * east = u·TEXEL_M, north = −v·TEXEL_M (row 0 is the north edge).
 */
function buildTexture(): Uint32Array {
  const rand = mulberry32(20261128);
  const coarse = periodicNoise(256, rand); // fields ≈10 m
  const mid = periodicNoise(32, rand); // patches ≈1.3 m
  const fine = periodicNoise(4, rand); // grain ≈0.16 m
  const tex = new Uint32Array(TEXTURE_SIZE * TEXTURE_SIZE);
  // Roads: y = x/2 + c wraps onto itself after two laps, so they repeat every
  // TEXTURE_SIZE/2 rows; 6 m wide, dashes 2.56 m long every 5.12 m.
  const roadPeriod = TEXTURE_SIZE / 2;
  const roadHalf = 3 / TEXEL_M;
  const cosRoad = Math.cos(Math.atan(0.5));
  const paintHalf = 0.08 / TEXEL_M;
  for (let v = 0; v < TEXTURE_SIZE; v++) {
    for (let u = 0; u < TEXTURE_SIZE; u++) {
      const field = coarse(u, v);
      const f = fine(u, v);
      const detail = mid(u, v) * 0.6 + f * 0.4;
      let r: number;
      let g: number;
      let b: number;
      if (field > 0.5) {
        r = 120 + 60 * detail; g = 105 + 50 * detail; b = 60 + 30 * detail;
      } else {
        r = 60 + 50 * detail; g = 95 + 70 * detail; b = 40 + 30 * detail;
      }
      // Furrows every 0.64 m, diagonal, periodic in the texture.
      const furrow = ((u + v * 0.5) & 31) < 16 ? 8 : -8;
      r += furrow; g += furrow; b += furrow / 2;
      let d = (v - u / 2 - 300) % roadPeriod;
      if (d < 0) d += roadPeriod;
      const dist = Math.min(d, roadPeriod - d) * cosRoad;
      if (dist < roadHalf) {
        const paint = dist < paintHalf && (u & 127) < 64;
        r = g = b = paint ? 228 : 95 + 25 * f;
      }
      tex[v * TEXTURE_SIZE + u] = clampChannel(r) | (clampChannel(g) << 8) | (clampChannel(b) << 16);
    }
  }
  return tex;
}

let shared: Uint32Array | null = null;

/** The world texture, built on first use and shared by every scene in the thread. */
export function worldTexture(): Uint32Array {
  shared ??= buildTexture();
  return shared;
}
