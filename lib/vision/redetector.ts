// Re-detection after a loss (control-spec.md): multi-scale template matching
// by normalised cross-correlation, scales 0.5–2×, within ±300 px of the
// estimate, accepted from NCC 0.7. Coarse-to-fine so an attempt stays within
// a bounded amount of work: each scale is first matched on the coarsest 2x
// pyramid level where the template still has ≥ 4 px a side and the work
// (positions × template pixels) is under a budget, then the best candidates
// are refined level by level (±2 px per level) to full resolution, where
// the score is taken. Grey NCC alone takes dark ground specks for a 15 px
// person (measured: NCC 0.72–0.75 on furrows), so a match must also have
// the template's mean colour (O(1) per box from RGB summed-area tables).

import type { PixelBox, RgbFrame } from './types.js';
import { GreyPlane, Integrals, greyRegion, halve, integrate, newIntegrals, newPlane, resample } from './grey-plane.js';

export interface RedetectorOptions {
  /** Relative sizes tried (spec: 0.5–2). */
  scales?: readonly number[];
  /** NCC from which a match counts (spec: 0.7). */
  threshold?: number;
  /** Half-size of the searched square around the estimate, px (spec: 300). */
  radius?: number;
  /** Work budget per scale at the coarse level (positions × template pixels): ≈2 ms of JS here. */
  coarseWork?: number;
}

export interface RedetectResult {
  found: boolean;
  /** Best NCC found (also when under the threshold). */
  score: number;
  box: PixelBox;
}

/** Deepest pyramid level (2^5 = 32x smaller). */
const MAX_LEVEL = 5;
/** Candidates refined to full resolution. */
const REFINE = 5;
/** Largest RGB distance between the template's and a match's mean colour (sensor noise averages out; ground vs a red car is > 100). */
const MAX_COLOUR_DIST = 45;
/** Scale refinements tried around the best grid scale. */
const SCALE_REFINE = [0.92, 0.96, 1.04, 1.09];
/** Largest stored template side: bigger targets are stored downscaled (memory and refine time). */
const TEMPLATE_MAX = 96;

interface Candidate {
  ncc: number;
  scale: number;
  level: number;
  /** Top-left at its level. */
  x: number;
  y: number;
}

export class Redetector {
  readonly #scales: readonly number[];
  readonly #threshold: number;
  readonly #radius: number;
  readonly #work: number;
  /** Reference look of the target at full resolution, and the box size it came from. */
  readonly #tpl: GreyPlane = newPlane();
  #tw = 0;
  #th = 0;
  /** Mean colour of the template box. */
  #mr = 0;
  #mg = 0;
  #mb = 0;
  /** RGB summed-area tables of the searched region, (w+1)×(h+1). */
  #rgbSum = new Uint32Array(0);
  #rgbW = 0;
  // Pyramid of the searched region and its integrals, per level.
  readonly #levels: GreyPlane[] = Array.from({ length: MAX_LEVEL + 1 }, newPlane);
  readonly #ints: Integrals[] = Array.from({ length: MAX_LEVEL + 1 }, newIntegrals);
  /** Levels built for the current search. */
  #built = 0;
  readonly #scaled: GreyPlane = newPlane();
  readonly #cands: Candidate[] = Array.from({ length: REFINE }, () => ({ ncc: -2, scale: 1, level: 0, x: 0, y: 0 }));
  readonly #result: RedetectResult = { found: false, score: 0, box: { x: 0, y: 0, w: 0, h: 0 } };

  constructor(o: RedetectorOptions = {}) {
    this.#scales = o.scales ?? [0.5, 0.63, 0.79, 1, 1.26, 1.59, 2];
    this.#threshold = o.threshold ?? 0.7;
    this.#radius = o.radius ?? 300;
    this.#work = o.coarseWork ?? 1e6;
  }

  get ready(): boolean {
    return this.#tw > 0;
  }

  /** Keeps the target's look from `box` in `frame` (clipped to the frame). */
  setTemplate(frame: RgbFrame, box: PixelBox): void {
    const x0 = Math.max(0, Math.round(box.x));
    const y0 = Math.max(0, Math.round(box.y));
    const x1 = Math.min(frame.width, Math.round(box.x + box.w));
    const y1 = Math.min(frame.height, Math.round(box.y + box.h));
    if (x1 - x0 < 4 || y1 - y0 < 4) return;
    const full = this.#levels[0];
    greyRegion(frame, x0, y0, x1 - x0, y1 - y0, full);
    const k = Math.min(1, TEMPLATE_MAX / Math.max(full.w, full.h));
    resample(full, Math.max(4, Math.round(full.w * k)), Math.max(4, Math.round(full.h * k)), this.#tpl);
    this.#tw = x1 - x0;
    this.#th = y1 - y0;
    let r = 0;
    let g = 0;
    let b = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const o = (y * frame.width + x) * 3;
        r += frame.data[o]; g += frame.data[o + 1]; b += frame.data[o + 2];
      }
    }
    const n = (x1 - x0) * (y1 - y0);
    this.#mr = r / n;
    this.#mg = g / n;
    this.#mb = b / n;
  }

  /** RGB summed-area tables of the region (channel-interleaved, 3 per cell). */
  #colourTables(frame: RgbFrame, x0: number, y0: number, w: number, h: number): void {
    const W = w + 1;
    const n = 3 * W * (h + 1);
    if (this.#rgbSum.length < n) this.#rgbSum = new Uint32Array(n);
    const t = this.#rgbSum;
    t.fill(0, 0, 3 * W);
    const d = frame.data;
    for (let j = 0; j < h; j++) {
      let r = 0;
      let g = 0;
      let b = 0;
      const row = 3 * (j + 1) * W;
      const up = 3 * j * W;
      t[row] = t[row + 1] = t[row + 2] = 0;
      let o = ((y0 + j) * frame.width + x0) * 3;
      for (let i = 0; i < w; i++, o += 3) {
        r += d[o]; g += d[o + 1]; b += d[o + 2];
        const c = 3 * (i + 1);
        t[row + c] = t[up + c] + r;
        t[row + c + 1] = t[up + c + 1] + g;
        t[row + c + 2] = t[up + c + 2] + b;
      }
    }
    this.#rgbW = W;
  }

  /** Distance between the template's mean colour and the region box's. */
  #colourDist(x: number, y: number, w: number, h: number): number {
    const t = this.#rgbSum;
    const W = this.#rgbW;
    const a = 3 * (y * W + x);
    const b = 3 * (y * W + x + w);
    const c = 3 * ((y + h) * W + x);
    const e = 3 * ((y + h) * W + x + w);
    const n = w * h;
    const r = (t[e] - t[b] - t[c] + t[a]) / n - this.#mr;
    const g = (t[e + 1] - t[b + 1] - t[c + 1] + t[a + 1]) / n - this.#mg;
    const bl = (t[e + 2] - t[b + 2] - t[c + 2] + t[a + 2]) / n - this.#mb;
    return Math.sqrt(r * r + g * g + bl * bl);
  }

  /** Searches around (cx, cy). The result object is reused. */
  search(frame: RgbFrame, cx: number, cy: number): RedetectResult {
    const res = this.#result;
    res.found = false;
    res.score = 0;
    if (!this.ready) return res;
    const rx0 = Math.max(0, Math.floor(cx - this.#radius));
    const ry0 = Math.max(0, Math.floor(cy - this.#radius));
    const rx1 = Math.min(frame.width, Math.ceil(cx + this.#radius));
    const ry1 = Math.min(frame.height, Math.ceil(cy + this.#radius));
    if (rx1 - rx0 < 4 || ry1 - ry0 < 4) return res;
    greyRegion(frame, rx0, ry0, rx1 - rx0, ry1 - ry0, this.#levels[0]);
    this.#colourTables(frame, rx0, ry0, rx1 - rx0, ry1 - ry0);
    integrate(this.#levels[0], this.#ints[0]);
    this.#built = 0;
    for (const c of this.#cands) c.ncc = -2;
    for (const s of this.#scales) {
      const tw = this.#tw * s;
      const th = this.#th * s;
      const base = this.#levels[0];
      if (tw < 4 || th < 4 || tw > base.w || th > base.h) continue;
      let level = 0;
      while (level < MAX_LEVEL) {
        const d = 1 << level;
        const work = ((base.w / d) * (base.h / d) * (tw / d) * (th / d));
        if (work <= this.#work || Math.min(tw, th) / (2 * d) < 4) break;
        level++;
      }
      this.#build(level);
      this.#coarse(s, level);
    }
    let best = -2;
    for (const c of this.#cands) {
      if (c.ncc <= -2) continue;
      const ncc = this.#refineScale(c, this.#refine(c));
      const w = Math.round(this.#tw * c.scale);
      const h = Math.round(this.#th * c.scale);
      if (this.#colourDist(c.x, c.y, Math.min(w, rx1 - rx0 - c.x), Math.min(h, ry1 - ry0 - c.y)) > MAX_COLOUR_DIST) continue;
      if (ncc > best) {
        best = ncc;
        res.box.x = rx0 + c.x;
        res.box.y = ry0 + c.y;
        res.box.w = Math.round(this.#tw * c.scale);
        res.box.h = Math.round(this.#th * c.scale);
      }
    }
    res.score = Math.max(0, best);
    res.found = best >= this.#threshold;
    return res;
  }

  #build(level: number): void {
    while (this.#built < level) {
      halve(this.#levels[this.#built], this.#levels[this.#built + 1]);
      integrate(this.#levels[this.#built + 1], this.#ints[this.#built + 1]);
      this.#built++;
    }
  }

  /** Template for `scale` at `level`, zero-mean and unit-norm, in #scaled; false when flat. */
  #template(scale: number, level: number): boolean {
    const d = 1 << level;
    const w = Math.max(2, Math.round((this.#tw * scale) / d));
    const h = Math.max(2, Math.round((this.#th * scale) / d));
    resample(this.#tpl, w, h, this.#scaled);
    const t = this.#scaled.data;
    const n = w * h;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += t[i];
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      t[i] -= mean;
      ss += t[i] * t[i];
    }
    if (ss < 1e-6) return false;
    const inv = 1 / Math.sqrt(ss);
    for (let i = 0; i < n; i++) t[i] *= inv;
    return true;
  }

  /** NCC of #scaled at top-left (x, y) of `level`. */
  #ncc(level: number, x: number, y: number): number {
    const img = this.#levels[level];
    const I = this.#ints[level];
    const t = this.#scaled;
    const n = t.w * t.h;
    const W = img.w + 1;
    const a = y * W + x;
    const b = a + t.w;
    const c = (y + t.h) * W + x;
    const e = c + t.w;
    const sum = I.sum[e] - I.sum[b] - I.sum[c] + I.sum[a];
    const sq = I.sq[e] - I.sq[b] - I.sq[c] + I.sq[a];
    const v = sq - (sum * sum) / n;
    if (v < 1e-3) return 0;
    // The template is zero-mean, so Σ t·I = Σ t·(I − mean).
    let corr = 0;
    const data = img.data;
    const td = t.data;
    for (let j = 0; j < t.h; j++) {
      const row = (y + j) * img.w + x;
      const trow = j * t.w;
      for (let i = 0; i < t.w; i++) corr += td[trow + i] * data[row + i];
    }
    return corr / Math.sqrt(v);
  }

  /** Slides the template for `scale` over `level`, keeping the best REFINE candidates of the template's colour (one per neighbourhood). */
  #coarse(scale: number, level: number): void {
    if (!this.#template(scale, level)) return;
    const img = this.#levels[level];
    const t = this.#scaled;
    const d = 1 << level;
    // The box at full resolution, for the colour check (within the region).
    const fw = Math.min(t.w * d, this.#levels[0].w);
    const fh = Math.min(t.h * d, this.#levels[0].h);
    for (let y = 0; y + t.h <= img.h; y++) {
      for (let x = 0; x + t.w <= img.w; x++) {
        const ncc = this.#ncc(level, x, y);
        if (ncc > this.#cands[REFINE - 1].ncc && this.#colourDist(x * d, y * d, fw, fh) <= MAX_COLOUR_DIST) {
          this.#offer(ncc, scale, level, x, y);
        }
      }
    }
  }

  #offer(ncc: number, scale: number, level: number, x: number, y: number): void {
    const d = 1 << level;
    const near = Math.max(this.#tw, this.#th) * scale;
    const cands = this.#cands;
    // The same place as a kept candidate: keep the better of the two; else replace the worst.
    let k = REFINE - 1;
    for (let i = 0; i < REFINE; i++) {
      const c = cands[i];
      if (c.ncc > -2 && Math.abs(c.x * (1 << c.level) - x * d) < near && Math.abs(c.y * (1 << c.level) - y * d) < near) {
        if (ncc <= c.ncc) return;
        k = i;
        break;
      }
    }
    const slot = cands[k];
    slot.ncc = ncc; slot.scale = scale; slot.level = level; slot.x = x; slot.y = y;
    // Keep the list sorted best first (three entries: a bubble is enough).
    while (k > 0 && cands[k - 1].ncc < cands[k].ncc) {
      const tmp = cands[k - 1];
      cands[k - 1] = cands[k];
      cands[k] = tmp;
      k--;
    }
  }

  /**
   * The scale grid is coarse (×1.26 steps): tries ×0.92, ×0.96, ×1.04, ×1.09
   * around the refined candidate at full resolution (±2 px), keeping the best.
   */
  #refineScale(c: Candidate, ncc: number): number {
    let best = ncc;
    const s0 = c.scale;
    const x0 = c.x;
    const y0 = c.y;
    const img = this.#levels[0];
    for (const f of SCALE_REFINE) {
      const s = s0 * f;
      if (!this.#template(s, 0)) continue;
      const t = this.#scaled;
      // Keep the centre: the top-left moves by half the size change.
      const cx = Math.round(x0 + ((this.#tw * s0) - t.w) / 2);
      const cy = Math.round(y0 + ((this.#th * s0) - t.h) / 2);
      for (let y = Math.max(0, cy - 2); y <= Math.min(img.h - t.h, cy + 2); y++) {
        for (let x = Math.max(0, cx - 2); x <= Math.min(img.w - t.w, cx + 2); x++) {
          const v = this.#ncc(0, x, y);
          if (v > best) {
            best = v;
            c.scale = s;
            c.x = x;
            c.y = y;
          }
        }
      }
    }
    return best;
  }

  /** Refines a candidate level by level (±2 px) to full resolution; returns its NCC there and leaves its position in c (level 0). */
  #refine(c: Candidate): number {
    let x = c.x;
    let y = c.y;
    let best = -2;
    for (let level = c.level; level >= 0; level--) {
      if (level < c.level) {
        x *= 2;
        y *= 2;
      }
      if (!this.#template(c.scale, level)) return -2;
      const img = this.#levels[level];
      const t = this.#scaled;
      const r = level === c.level ? 1 : 2;
      let bx = x;
      let by = y;
      best = -2;
      for (let yy = Math.max(0, y - r); yy <= Math.min(img.h - t.h, y + r); yy++) {
        for (let xx = Math.max(0, x - r); xx <= Math.min(img.w - t.w, x + r); xx++) {
          const ncc = this.#ncc(level, xx, yy);
          if (ncc > best) {
            best = ncc;
            bx = xx;
            by = yy;
          }
        }
      }
      x = bx;
      y = by;
    }
    c.x = x;
    c.y = y;
    c.level = 0;
    return best;
  }
}
