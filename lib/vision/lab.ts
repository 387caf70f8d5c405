// sRGB → CIE L*a*b* (D65) through a 32³ table: contrast segmentation
// compares every pixel of a window with the ground's colours in a
// perceptual space (ΔE), and a table lookup is ~10x cheaper than the
// conversion. The 8-level quantisation costs at most ≈2 ΔE, well under the
// 22 ΔE decision threshold. Built once per process (384 KiB).

const Q = 32;

let table: Float32Array | null = null;

function srgbToLinear(c: number): number {
  const v = c / 255;
  return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
}

function f(t: number): number {
  return t > 216 / 24389 ? Math.cbrt(t) : (t * 24389) / 27 / 116 + 16 / 116;
}

/** Exact conversion (for building the table and for tests). */
export function rgbToLab(r: number, g: number, b: number, out: Float32Array | number[], o = 0): void {
  const R = srgbToLinear(r);
  const G = srgbToLinear(g);
  const B = srgbToLinear(b);
  const x = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / 0.95047;
  const y = 0.2126729 * R + 0.7151522 * G + 0.072175 * B;
  const z = (0.0193339 * R + 0.119192 * G + 0.9503041 * B) / 1.08883;
  const fx = f(x);
  const fy = f(y);
  const fz = f(z);
  out[o] = 116 * fy - 16;
  out[o + 1] = 500 * (fx - fy);
  out[o + 2] = 200 * (fy - fz);
}

/** The table: Lab of each 8-level RGB cell's centre, indexed by labIndex(). */
export function labTable(): Float32Array {
  if (table) return table;
  table = new Float32Array(Q * Q * Q * 3);
  for (let r = 0; r < Q; r++) {
    for (let g = 0; g < Q; g++) {
      for (let b = 0; b < Q; b++) rgbToLab(r * 8 + 4, g * 8 + 4, b * 8 + 4, table, 3 * ((r * Q + g) * Q + b));
    }
  }
  return table;
}

/** Offset of an RGB colour's Lab triple in labTable(). */
export const labIndex = (r: number, g: number, b: number): number => 3 * ((((r >> 3) << 5) | (g >> 3)) << 5 | (b >> 3));
