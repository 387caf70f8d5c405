// Radix-2 complex FFTs for the correlation filters: 1-D on a strided view and
// 2-D (rows then columns) on power-of-two sizes. Twiddles and bit-reversal
// tables are built once per size; transforms run in place and allocate
// nothing, because a tracker runs several per frame.

const isPow2 = (n: number): boolean => Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;

export class Fft1d {
  readonly n: number;
  /** cos/sin of −2πk/n for k < n/2. */
  readonly #cos: Float64Array;
  readonly #sin: Float64Array;
  /** Bit-reversed index of each position. */
  readonly #rev: Uint32Array;

  constructor(n: number) {
    if (!isPow2(n)) throw new RangeError(`FFT size must be a power of two, got ${n}`);
    this.n = n;
    this.#cos = new Float64Array(n / 2);
    this.#sin = new Float64Array(n / 2);
    for (let k = 0; k < n / 2; k++) {
      this.#cos[k] = Math.cos((-2 * Math.PI * k) / n);
      this.#sin[k] = Math.sin((-2 * Math.PI * k) / n);
    }
    this.#rev = new Uint32Array(n);
    const bits = Math.log2(n);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.#rev[i] = r;
    }
  }

  /**
   * In-place transform of n complex values at re/im[off + k*stride]. The
   * inverse is unscaled (the caller divides by n once for a whole 2-D pass).
   */
  transform(re: Float64Array, im: Float64Array, off: number, stride: number, inverse: boolean): void {
    const n = this.n;
    const rev = this.#rev;
    for (let i = 0; i < n; i++) {
      const j = rev[i];
      if (j > i) {
        const a = off + i * stride;
        const b = off + j * stride;
        let t = re[a]; re[a] = re[b]; re[b] = t;
        t = im[a]; im[a] = im[b]; im[b] = t;
      }
    }
    const cos = this.#cos;
    const sin = this.#sin;
    const sign = inverse ? -1 : 1;
    for (let size = 2; size <= n; size <<= 1) {
      const half = size >> 1;
      const step = n / size;
      for (let start = 0; start < n; start += size) {
        for (let k = 0; k < half; k++) {
          const wr = cos[k * step];
          const wi = sign * sin[k * step];
          const a = off + (start + k) * stride;
          const b = a + half * stride;
          const xr = re[b] * wr - im[b] * wi;
          const xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
  }
}

/** 2-D FFT of a w×h row-major complex image (both powers of two). */
export class Fft2d {
  readonly w: number;
  readonly h: number;
  readonly #row: Fft1d;
  readonly #col: Fft1d;

  constructor(w: number, h: number) {
    this.w = w;
    this.h = h;
    this.#row = new Fft1d(w);
    this.#col = h === w ? this.#row : new Fft1d(h);
  }

  forward(re: Float64Array, im: Float64Array): void {
    for (let y = 0; y < this.h; y++) this.#row.transform(re, im, y * this.w, 1, false);
    for (let x = 0; x < this.w; x++) this.#col.transform(re, im, x, this.w, false);
  }

  /** Scaled inverse: forward then inverse returns the input. */
  inverse(re: Float64Array, im: Float64Array): void {
    for (let y = 0; y < this.h; y++) this.#row.transform(re, im, y * this.w, 1, true);
    for (let x = 0; x < this.w; x++) this.#col.transform(re, im, x, this.w, true);
    const s = 1 / (this.w * this.h);
    for (let i = 0; i < re.length; i++) {
      re[i] *= s;
      im[i] *= s;
    }
  }
}
