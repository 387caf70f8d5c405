// The kernelized correlation filter (Henriques et al., "High-Speed Tracking
// with Kernelized Correlation Filters", 2015) on one grey channel with a
// Gaussian kernel: train on a patch centred on the target, detect the
// target's displacement in a patch centred on the search position. Fixed
// patch size; all spectra are preallocated, so train/detect allocate nothing.

import { Fft2d } from './fft.js';
import { Peak, findPeak, gaussianTarget, hann2d } from './patch.js';

export interface KcfFilterOptions {
  /** Patch size (powers of two). */
  w: number;
  h: number;
  /** Target size inside the patch, patch pixels (sets the label's width). */
  targetW: number;
  targetH: number;
  /** Gaussian kernel bandwidth (paper: 0.2 for raw pixels). */
  kernelSigma?: number;
  /** Ridge regularisation. */
  lambda?: number;
  /** Label width relative to the target size (paper: 0.1). */
  outputSigmaFactor?: number;
}

export class KcfFilter {
  readonly w: number;
  readonly h: number;
  readonly #fft: Fft2d;
  readonly #hann: Float64Array;
  /** FFT of the Gaussian label (real part; its imaginary part is ~0 by symmetry). */
  readonly #yf: Float64Array;
  readonly #sigma2: number;
  readonly #lambda: number;
  /** Model: features x and their spectrum, dual coefficients alpha (spectrum). */
  readonly #x: Float64Array;
  readonly #xfRe: Float64Array;
  readonly #xfIm: Float64Array;
  readonly #aRe: Float64Array;
  readonly #aIm: Float64Array;
  #xx = 0;
  #trained = false;
  // Scratch buffers.
  readonly #re: Float64Array;
  readonly #im: Float64Array;
  readonly #zRe: Float64Array;
  readonly #zIm: Float64Array;
  readonly #feat: Float64Array;
  readonly #peak: Peak = { dx: 0, dy: 0, value: 0 };

  constructor(o: KcfFilterOptions) {
    const n = o.w * o.h;
    this.w = o.w;
    this.h = o.h;
    this.#fft = new Fft2d(o.w, o.h);
    this.#hann = hann2d(o.w, o.h);
    const ks = o.kernelSigma ?? 0.2;
    this.#sigma2 = ks * ks;
    this.#lambda = o.lambda ?? 1e-4;
    const sigma = Math.sqrt(o.targetW * o.targetH) * (o.outputSigmaFactor ?? 0.1);
    const y = gaussianTarget(o.w, o.h, Math.max(0.5, sigma));
    const yIm = new Float64Array(n);
    this.#fft.forward(y, yIm);
    this.#yf = y;
    this.#x = new Float64Array(n);
    this.#xfRe = new Float64Array(n);
    this.#xfIm = new Float64Array(n);
    this.#aRe = new Float64Array(n);
    this.#aIm = new Float64Array(n);
    this.#re = new Float64Array(n);
    this.#im = new Float64Array(n);
    this.#zRe = new Float64Array(n);
    this.#zIm = new Float64Array(n);
    this.#feat = new Float64Array(n);
  }

  get trained(): boolean {
    return this.#trained;
  }

  /** Grey patch (0..255) → zero-mean, windowed features in `#feat`. Returns their squared norm. */
  #features(grey: Float64Array): number {
    const n = this.w * this.h;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += grey[i];
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const v = ((grey[i] - mean) / 255) * this.#hann[i];
      this.#feat[i] = v;
      ss += v * v;
    }
    return ss;
  }

  /**
   * Gaussian kernel correlation of the spectra (aRe, aIm) and the model's,
   * written as a spectrum into (#re, #im). zz is the squared norm of a.
   */
  #kernel(aRe: Float64Array, aIm: Float64Array, zz: number): void {
    const n = this.w * this.h;
    const re = this.#re;
    const im = this.#im;
    const xRe = this.#xfRe;
    const xIm = this.#xfIm;
    for (let i = 0; i < n; i++) {
      // a · conj(x)
      re[i] = aRe[i] * xRe[i] + aIm[i] * xIm[i];
      im[i] = aIm[i] * xRe[i] - aRe[i] * xIm[i];
    }
    this.#fft.inverse(re, im);
    const k = -1 / (this.#sigma2 * n);
    const base = zz + this.#xx;
    for (let i = 0; i < n; i++) {
      const d = base - 2 * re[i];
      re[i] = Math.exp(k * (d > 0 ? d : 0));
      im[i] = 0;
    }
    this.#fft.forward(re, im);
  }

  /**
   * Trains on a grey patch centred on the target: the new sample's dual
   * coefficients come from its own kernel auto-correlation; `rate` 1 (or the
   * first call) replaces the model, less blends it in (the paper's 0.075).
   */
  train(grey: Float64Array, rate: number): void {
    const n = this.w * this.h;
    const ss = this.#features(grey);
    const zRe = this.#zRe;
    const zIm = this.#zIm;
    zRe.set(this.#feat);
    zIm.fill(0);
    this.#fft.forward(zRe, zIm);
    // Auto-correlation IFFT(|Z|²) → Gaussian kernel → its spectrum.
    const re = this.#re;
    const im = this.#im;
    for (let i = 0; i < n; i++) {
      re[i] = zRe[i] * zRe[i] + zIm[i] * zIm[i];
      im[i] = 0;
    }
    this.#fft.inverse(re, im);
    const k = -1 / (this.#sigma2 * n);
    const base = 2 * ss;
    for (let i = 0; i < n; i++) {
      const d = base - 2 * re[i];
      re[i] = Math.exp(k * (d > 0 ? d : 0));
      im[i] = 0;
    }
    this.#fft.forward(re, im);
    const r = !this.#trained || rate >= 1 ? 1 : rate;
    const q = 1 - r;
    const x = this.#x;
    let xx = 0;
    for (let i = 0; i < n; i++) {
      const d = re[i] + this.#lambda;
      const di = im[i];
      const den = d * d + di * di;
      this.#aRe[i] = q * this.#aRe[i] + (r * this.#yf[i] * d) / den;
      this.#aIm[i] = q * this.#aIm[i] - (r * this.#yf[i] * di) / den;
      this.#xfRe[i] = q * this.#xfRe[i] + r * zRe[i];
      this.#xfIm[i] = q * this.#xfIm[i] + r * zIm[i];
      x[i] = q * x[i] + r * this.#feat[i];
      xx += x[i] * x[i];
    }
    this.#xx = xx;
    this.#trained = true;
  }

  /**
   * Correlates a grey patch with the model: the target's displacement from
   * the patch centre in patch pixels, and the peak response (≈1 on a perfect
   * match, lower as appearance drifts). The Peak is reused.
   */
  detect(grey: Float64Array): Peak {
    const ss = this.#features(grey);
    const zRe = this.#zRe;
    const zIm = this.#zIm;
    zRe.set(this.#feat);
    zIm.fill(0);
    this.#fft.forward(zRe, zIm);
    this.#kernel(zRe, zIm, ss);
    const n = this.w * this.h;
    const re = this.#re;
    const im = this.#im;
    for (let i = 0; i < n; i++) {
      const ar = this.#aRe[i];
      const ai = this.#aIm[i];
      const kr = re[i];
      const ki = im[i];
      re[i] = ar * kr - ai * ki;
      im[i] = ar * ki + ai * kr;
    }
    this.#fft.inverse(re, im);
    return findPeak(re, this.w, this.h, this.#peak);
  }
}
