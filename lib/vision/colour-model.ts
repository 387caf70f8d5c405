// A colour likelihood model: how much more often a quantised RGB colour
// occurs on the target than around it (the foreground/background histogram
// ratio of colour-based trackers such as DAT/CSRT's colour channel). The
// hybrid tracker uses it to re-centre and re-size its box and to judge
// whether the box still shows the target.

import type { PixelBox, RgbFrame } from './types.js';

/** 16 levels per channel: wide enough that sensor noise (±8) moves a colour by at most one bin. */
const LEVELS = 16;
export const COLOUR_BINS = LEVELS * LEVELS * LEVELS;

/** Bin of an RGB colour. */
export const binOf = (r: number, g: number, b: number): number => ((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4);

export class ColourModel {
  /** Normalised histograms of the target and of its surroundings. */
  readonly #fg = new Float64Array(COLOUR_BINS);
  readonly #bg = new Float64Array(COLOUR_BINS);
  /** Scratch counts for one learning pass. */
  readonly #cf = new Float64Array(COLOUR_BINS);
  readonly #cb = new Float64Array(COLOUR_BINS);
  /** P(target | colour bin) × 255, rebuilt after each learning pass. */
  readonly lut = new Uint8Array(COLOUR_BINS);
  #learned = false;

  get learned(): boolean {
    return this.#learned;
  }

  /**
   * Learns from `box` (target: its inner 80 %) and a surrounding ring
   * (`ring` box sizes around it, background), blending with `rate` (1 or
   * the first call: replace).
   */
  learn(frame: RgbFrame, box: PixelBox, rate: number, ring = 1): void {
    const { data, width, height } = frame;
    const cf = this.#cf;
    const cb = this.#cb;
    cf.fill(0);
    cb.fill(0);
    const ix0 = Math.max(0, Math.round(box.x + 0.1 * box.w));
    const ix1 = Math.min(width, Math.round(box.x + 0.9 * box.w));
    const iy0 = Math.max(0, Math.round(box.y + 0.1 * box.h));
    const iy1 = Math.min(height, Math.round(box.y + 0.9 * box.h));
    // The box's own edge (±2 px) belongs to neither: it mixes both.
    const ex0 = Math.round(box.x) - 2;
    const ex1 = Math.round(box.x + box.w) + 2;
    const ey0 = Math.round(box.y) - 2;
    const ey1 = Math.round(box.y + box.h) + 2;
    const pad = ring * Math.max(box.w, box.h, 8);
    const ox0 = Math.max(0, Math.round(box.x - pad));
    const ox1 = Math.min(width, Math.round(box.x + box.w + pad));
    const oy0 = Math.max(0, Math.round(box.y - pad));
    const oy1 = Math.min(height, Math.round(box.y + box.h + pad));
    let nf = 0;
    let nb = 0;
    for (let y = oy0; y < oy1; y++) {
      let o = (y * width + ox0) * 3;
      const rowIn = y >= iy0 && y < iy1;
      const rowEdge = y >= ey0 && y < ey1;
      for (let x = ox0; x < ox1; x++, o += 3) {
        const bin = binOf(data[o], data[o + 1], data[o + 2]);
        if (rowIn && x >= ix0 && x < ix1) {
          cf[bin]++;
          nf++;
        } else if (!(rowEdge && x >= ex0 && x < ex1)) {
          cb[bin]++;
          nb++;
        }
      }
    }
    if (nf === 0) return;
    const r = !this.#learned || rate >= 1 ? 1 : rate;
    const q = 1 - r;
    const fg = this.#fg;
    const bg = this.#bg;
    const invF = 1 / nf;
    const invB = nb > 0 ? 1 / nb : 0;
    for (let i = 0; i < COLOUR_BINS; i++) {
      fg[i] = q * fg[i] + r * cf[i] * invF;
      // Keep what was seen around the target earlier: the background it will cross later is not in today's ring.
      bg[i] = nb > 0 ? q * bg[i] + r * cb[i] * invB : bg[i];
    }
    this.#learned = true;
    this.#rebuild();
  }

  #rebuild(): void {
    const fg = this.#fg;
    const bg = this.#bg;
    for (let i = 0; i < COLOUR_BINS; i++) {
      const f = fg[i];
      // A colour seen on the target in fewer than ~0.2 % of its pixels is noise, not the target.
      this.lut[i] = f < 0.002 ? 0 : Math.round((255 * f) / (f + bg[i]));
    }
  }

  /** Likelihood (0..255) of one pixel. */
  at(frame: RgbFrame, x: number, y: number): number {
    const o = (y * frame.width + x) * 3;
    const d = frame.data;
    return this.lut[binOf(d[o], d[o + 1], d[o + 2])];
  }

  /**
   * Bhattacharyya coefficient between the model's target histogram and the
   * colours inside `box` (1: same distribution). Uses the scratch counts.
   */
  similarity(frame: RgbFrame, box: PixelBox): number {
    const { data, width, height } = frame;
    const cf = this.#cf;
    cf.fill(0);
    const x0 = Math.max(0, Math.round(box.x + 0.1 * box.w));
    const x1 = Math.min(width, Math.round(box.x + 0.9 * box.w));
    const y0 = Math.max(0, Math.round(box.y + 0.1 * box.h));
    const y1 = Math.min(height, Math.round(box.y + 0.9 * box.h));
    let n = 0;
    for (let y = y0; y < y1; y++) {
      let o = (y * width + x0) * 3;
      for (let x = x0; x < x1; x++, o += 3) {
        cf[binOf(data[o], data[o + 1], data[o + 2])]++;
        n++;
      }
    }
    if (n === 0) return 0;
    let bc = 0;
    for (let i = 0; i < COLOUR_BINS; i++) if (cf[i] > 0) bc += Math.sqrt((cf[i] / n) * this.#fg[i]);
    return bc;
  }
}
