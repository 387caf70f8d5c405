// The DSST scale filter (Danelljan et al., "Accurate Scale Estimation for
// Robust Visual Tracking", 2014), as dlib's correlation tracker uses it: a
// 1-D correlation filter over S scaled samples of the target, each sample a
// small grey patch (≤ 256 values) resampled from the target box times
// step^k. The peak says which scale fits the new frame. S is odd and small
// (17, as fDSST), so a direct DFT with a precomputed table is cheap (≈0.15 ms).

import type { RgbFrame } from './types.js';
import { sampleGrey } from './patch.js';

/** Samples cover the box plus a margin (×1.5): the target's edges against the ground are the scale cue grey pixels have. */
const SAMPLE_CONTEXT = 1.5;

export interface ScaleFilterOptions {
  /** Number of scales (odd). */
  scales?: number;
  /** Ratio between neighbouring scales. */
  step?: number;
  learningRate?: number;
  lambda?: number;
}

export class ScaleFilter {
  readonly #n: number;
  readonly #step: number;
  readonly #rate: number;
  readonly #lambda: number;
  /** Feature patch size (fixed at init from the target's aspect). */
  #fw = 0;
  #fh = 0;
  #d = 0;
  /** Scale factor of each sample and its 1-D Hann weight. */
  readonly #factors: Float64Array;
  readonly #window: Float64Array;
  /** DFT table cos/sin(2π jk/n). */
  readonly #cos: Float64Array;
  readonly #sin: Float64Array;
  /** Label spectrum (1-D Gaussian over scales). */
  readonly #gRe: Float64Array;
  readonly #gIm: Float64Array;
  /** Per feature: numerator spectra (d × n), and the shared denominator (n). */
  #aRe = new Float64Array(0);
  #aIm = new Float64Array(0);
  readonly #b: Float64Array;
  /** Samples d × n (feature-major) and their spectra. */
  #x = new Float64Array(0);
  #xRe = new Float64Array(0);
  #xIm = new Float64Array(0);
  #patch = new Float64Array(0);
  #trained = false;
  readonly #resp: Float64Array;
  /** Response spectrum accumulators (n). */
  readonly #accRe: Float64Array;
  readonly #accIm: Float64Array;

  constructor(o: ScaleFilterOptions = {}) {
    const n = o.scales ?? 17;
    if (n < 3 || n > 63 || n % 2 === 0) throw new RangeError(`scale count must be odd within 3..63, got ${n}`);
    this.#n = n;
    this.#step = o.step ?? 1.03;
    this.#rate = o.learningRate ?? 0.025;
    this.#lambda = o.lambda ?? 1e-2;
    this.#factors = new Float64Array(n);
    this.#window = new Float64Array(n);
    const mid = (n - 1) / 2;
    for (let k = 0; k < n; k++) {
      this.#factors[k] = Math.pow(this.#step, mid - k);
      this.#window[k] = 0.5 * (1 - Math.cos((2 * Math.PI * (k + 0.5)) / n));
    }
    this.#cos = new Float64Array(n * n);
    this.#sin = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < n; k++) {
        this.#cos[j * n + k] = Math.cos((2 * Math.PI * j * k) / n);
        this.#sin[j * n + k] = Math.sin((2 * Math.PI * j * k) / n);
      }
    }
    // Label: Gaussian over scale index centred at mid (σ = n/16 · √n as DSST's 1/4 of the scale steps), rolled so its peak is at 0.
    const sigma = Math.max(0.5, (n / 16) * Math.sqrt(n) * 0.25);
    const g = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const d = k - mid;
      g[(k - mid + n) % n] = Math.exp(-(d * d) / (2 * sigma * sigma));
    }
    this.#gRe = new Float64Array(n);
    this.#gIm = new Float64Array(n);
    this.#dft(g, 0, 1, this.#gRe, this.#gIm, 0);
    this.#b = new Float64Array(n);
    this.#resp = new Float64Array(n);
    this.#accRe = new Float64Array(n);
    this.#accIm = new Float64Array(n);
  }

  /** Forward DFT of n values at src[off + k*stride] into (re, im)[outOff + j]. */
  #dft(src: Float64Array, off: number, stride: number, re: Float64Array, im: Float64Array, outOff: number): void {
    const n = this.#n;
    for (let j = 0; j < n; j++) {
      let sr = 0;
      let si = 0;
      const row = j * n;
      for (let k = 0; k < n; k++) {
        const v = src[off + k * stride];
        sr += v * this.#cos[row + k];
        si -= v * this.#sin[row + k];
      }
      re[outOff + j] = sr;
      im[outOff + j] = si;
    }
  }

  /** Sizes the feature patch for a target of w × h (≤ 256 values, aspect kept). */
  init(w: number, h: number): void {
    const area = Math.min(256, w * h);
    const k = Math.sqrt(area / (w * h));
    this.#fw = Math.max(4, Math.round(w * k));
    this.#fh = Math.max(4, Math.round(h * k));
    this.#d = this.#fw * this.#fh;
    const dn = this.#d * this.#n;
    this.#aRe = new Float64Array(dn);
    this.#aIm = new Float64Array(dn);
    this.#x = new Float64Array(dn);
    this.#xRe = new Float64Array(dn);
    this.#xIm = new Float64Array(dn);
    this.#patch = new Float64Array(this.#d);
    this.#b.fill(0);
    this.#trained = false;
  }

  /** Samples the n scaled patches around (cx, cy) for a box w × h and takes their DFT over scales. */
  #samples(frame: RgbFrame, cx: number, cy: number, w: number, h: number): void {
    const n = this.#n;
    const d = this.#d;
    const x = this.#x;
    for (let k = 0; k < n; k++) {
      const f = this.#factors[k];
      sampleGrey(frame, cx, cy, w * f * SAMPLE_CONTEXT, h * f * SAMPLE_CONTEXT, this.#patch, this.#fw, this.#fh);
      // Zero-mean, unit-norm per sample so brightness does not favour a scale.
      let mean = 0;
      for (let i = 0; i < d; i++) mean += this.#patch[i];
      mean /= d;
      let ss = 0;
      for (let i = 0; i < d; i++) {
        const v = this.#patch[i] - mean;
        ss += v * v;
      }
      const inv = this.#window[k] / Math.sqrt(ss + 1e-6);
      for (let i = 0; i < d; i++) x[i * n + k] = (this.#patch[i] - mean) * inv;
    }
    for (let i = 0; i < d; i++) this.#dft(x, i * n, 1, this.#xRe, this.#xIm, i * n);
  }

  train(frame: RgbFrame, cx: number, cy: number, w: number, h: number): void {
    this.#samples(frame, cx, cy, w, h);
    const n = this.#n;
    const d = this.#d;
    const r = this.#trained ? this.#rate : 1;
    const q = 1 - r;
    for (let j = 0; j < n; j++) this.#b[j] *= q;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < n; j++) {
        const c = i * n + j;
        const fr = this.#xRe[c];
        const fi = this.#xIm[c];
        // G · conj(F)
        this.#aRe[c] = q * this.#aRe[c] + r * (this.#gRe[j] * fr + this.#gIm[j] * fi);
        this.#aIm[c] = q * this.#aIm[c] + r * (this.#gIm[j] * fr - this.#gRe[j] * fi);
        this.#b[j] += r * (fr * fr + fi * fi);
      }
    }
    this.#trained = true;
  }

  /** Best scale factor for the box at (cx, cy) (1 = unchanged). */
  detect(frame: RgbFrame, cx: number, cy: number, w: number, h: number): number {
    if (!this.#trained) return 1;
    this.#samples(frame, cx, cy, w, h);
    const n = this.#n;
    const d = this.#d;
    // Response spectrum Σ_i conj(A_i)·Z_i / (B + λ), then its inverse DFT (real part).
    const sRe = this.#resp;
    let best = 0;
    let bestV = -Infinity;
    const accRe = this.#accRe;
    const accIm = this.#accIm;
    accRe.fill(0);
    accIm.fill(0);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < n; j++) {
        const c = i * n + j;
        const ar = this.#aRe[c];
        const ai = this.#aIm[c];
        const zr = this.#xRe[c];
        const zi = this.#xIm[c];
        // A is G·conj(F): the filter H* = A / B applied to Z.
        accRe[j] += ar * zr - ai * zi;
        accIm[j] += ar * zi + ai * zr;
      }
    }
    for (let j = 0; j < n; j++) {
      const inv = 1 / (this.#b[j] + this.#lambda);
      accRe[j] *= inv;
      accIm[j] *= inv;
    }
    for (let k = 0; k < n; k++) {
      let v = 0;
      for (let j = 0; j < n; j++) v += accRe[j] * this.#cos[j * n + k] - accIm[j] * this.#sin[j * n + k];
      sRe[k] = v;
      if (v > bestV) {
        bestV = v;
        best = k;
      }
    }
    // The label peaks at index 0 for "no change" (rolled): index k means the sample k − mid steps away... unroll.
    const mid = (n - 1) / 2;
    const shift = best > mid ? best - n : best;
    return this.#factors[Math.max(0, Math.min(n - 1, mid + shift))];
  }

}
