// MOSSE (Bolme et al., "Visual Object Tracking using Adaptive Correlation
// Filters", 2010): a linear correlation filter learnt in the Fourier domain
// from log-normalised grey patches, H* = Σ G·F* / Σ F·F*, with the peak-to-
// sidelobe ratio as its confidence. This is the translation part of dlib's
// correlation tracker (which adds the DSST scale filter, scale-filter.ts).

import { Fft2d } from './fft.js';
import { Peak, findPeak, gaussianTarget, hann2d, psr } from './patch.js';

export interface MosseFilterOptions {
  w: number;
  h: number;
  /** Label width, patch pixels (paper: 2.0 for a 64 px patch). */
  sigma: number;
  /** Regulariser added to the energy spectrum. */
  epsilon?: number;
}

export interface MossePeak extends Peak {
  /** Peak-to-sidelobe ratio: > 20 is a confident match, < 7 usually a failure (the paper's figures). */
  psr: number;
}

export class MosseFilter {
  readonly w: number;
  readonly h: number;
  readonly #fft: Fft2d;
  readonly #hann: Float64Array;
  /** Label spectrum. */
  readonly #gRe: Float64Array;
  readonly #gIm: Float64Array;
  /** Numerator A = Σ G·F* and denominator B = Σ |F|². */
  readonly #aRe: Float64Array;
  readonly #aIm: Float64Array;
  readonly #b: Float64Array;
  readonly #eps: number;
  #trained = false;
  readonly #re: Float64Array;
  readonly #im: Float64Array;
  readonly #peak: MossePeak = { dx: 0, dy: 0, value: 0, psr: 0 };

  constructor(o: MosseFilterOptions) {
    const n = o.w * o.h;
    this.w = o.w;
    this.h = o.h;
    this.#fft = new Fft2d(o.w, o.h);
    this.#hann = hann2d(o.w, o.h);
    this.#gRe = gaussianTarget(o.w, o.h, o.sigma);
    this.#gIm = new Float64Array(n);
    this.#fft.forward(this.#gRe, this.#gIm);
    this.#aRe = new Float64Array(n);
    this.#aIm = new Float64Array(n);
    this.#b = new Float64Array(n);
    this.#eps = o.epsilon ?? 1e-3;
    this.#re = new Float64Array(n);
    this.#im = new Float64Array(n);
  }

  /** log(1 + pixel), zero mean, unit variance, windowed, then FFT into (#re, #im). */
  #spectrum(grey: Float64Array): void {
    const n = this.w * this.h;
    const re = this.#re;
    let mean = 0;
    for (let i = 0; i < n; i++) {
      re[i] = Math.log(1 + grey[i]);
      mean += re[i];
    }
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) {
      const d = re[i] - mean;
      v += d * d;
    }
    const inv = 1 / Math.sqrt(v / n + 1e-6);
    for (let i = 0; i < n; i++) re[i] = (re[i] - mean) * inv * this.#hann[i];
    this.#im.fill(0);
    this.#fft.forward(re, this.#im);
  }

  /** Adds a patch centred on the target, blended with `rate` (1 or first call: replace; paper: 0.125). */
  train(grey: Float64Array, rate: number): void {
    this.#spectrum(grey);
    const r = !this.#trained || rate >= 1 ? 1 : rate;
    const q = 1 - r;
    const n = this.w * this.h;
    for (let i = 0; i < n; i++) {
      const fr = this.#re[i];
      const fi = this.#im[i];
      // G · conj(F)
      const ar = this.#gRe[i] * fr + this.#gIm[i] * fi;
      const ai = this.#gIm[i] * fr - this.#gRe[i] * fi;
      this.#aRe[i] = q * this.#aRe[i] + r * ar;
      this.#aIm[i] = q * this.#aIm[i] + r * ai;
      this.#b[i] = q * this.#b[i] + r * (fr * fr + fi * fi);
    }
    this.#trained = true;
  }

  /** Accumulates a further training sample without decay (initial augmentation). */
  addSample(grey: Float64Array, weight: number): void {
    this.#spectrum(grey);
    const n = this.w * this.h;
    for (let i = 0; i < n; i++) {
      const fr = this.#re[i];
      const fi = this.#im[i];
      this.#aRe[i] += weight * (this.#gRe[i] * fr + this.#gIm[i] * fi);
      this.#aIm[i] += weight * (this.#gIm[i] * fr - this.#gRe[i] * fi);
      this.#b[i] += weight * (fr * fr + fi * fi);
    }
  }

  /** Displacement of the target from the patch centre (patch pixels), peak value and PSR. Reused object. */
  detect(grey: Float64Array): MossePeak {
    this.#spectrum(grey);
    const n = this.w * this.h;
    const re = this.#re;
    const im = this.#im;
    for (let i = 0; i < n; i++) {
      // H* = A / B; response spectrum = H* · F.
      const inv = 1 / (this.#b[i] + this.#eps);
      const hr = this.#aRe[i] * inv;
      const hi = this.#aIm[i] * inv;
      const fr = re[i];
      const fi = im[i];
      re[i] = hr * fr - hi * fi;
      im[i] = hr * fi + hi * fr;
    }
    this.#fft.inverse(re, im);
    findPeak(re, this.w, this.h, this.#peak);
    this.#peak.psr = psr(re, this.w, this.h, this.#peak.dx, this.#peak.dy);
    return this.#peak;
  }
}
