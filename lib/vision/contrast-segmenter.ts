// Click-seeded contrast segmentation (smart click without a neural model):
// the ground's colours come from the border of a window around the click;
// pixels farther than ΔE 22 from all of them are foreground; the foreground
// region at the click is the object. The window starts at 128 px and
// doubles (up to maxWindow) when the region runs into its border or when
// the clicked colour is a minority on the border (an object bigger than the
// window: its colours reached the border and read as "ground").

import type { Detection, RgbFrame } from './types.js';
import { checkFrame } from './types.js';
import { GroundPalette } from './ground-palette.js';
import { Blob, newBlob, trimmedBox } from './blob-finder.js';

export interface ContrastSegmenterOptions {
  /** First window side, px (issue: 128). */
  window?: number;
  /** Largest window side, px. */
  maxWindow?: number;
  /** Foreground from this ΔE (CIE76) to every ground colour (issue: 22). */
  deltaE?: number;
  /** Smallest object, px: sensor noise makes specks of a few pixels. */
  minArea?: number;
  /** A click this close to foreground (px) still selects it (the cursor is not exact). */
  clickRadius?: number;
  /** The clicked colour covering less of the border than this share means the object reaches the border. */
  minority?: number;
}

/**
 * Thin, long regions are ground markings (road paint, furrow edges), not
 * targets: mean thickness (pixels per unit of box diagonal) under 6 px with
 * a sparse box (a diagonal line) or an elongated one. A person 11 px across
 * (≈30 m altitude) is ≈6 px thick and fills 78 % of its box.
 */
export function lineLike(b: { pixels: number; w: number; h: number }): boolean {
  const thick = b.pixels / Math.hypot(b.w, b.h);
  const fill = b.pixels / (b.w * b.h);
  const aspect = Math.max(b.w, b.h) / Math.max(1, Math.min(b.w, b.h));
  return thick < 6 && (fill < 0.35 || aspect > 5);
}

/** Class of what contrast finds: one past COCO's 80 ids, named generically. */
export const OBJECT_CLASS_ID = 80;
export const OBJECT_CLASS_NAME = 'object';

export type SegmentResult =
  | { found: true; detection: Detection; window: number }
  | { found: false; reason: 'ground' | 'too_large' | 'outside_frame'; window: number };

export class ContrastSegmenter {
  readonly #o: Required<ContrastSegmenterOptions>;
  readonly #palette = new GroundPalette();
  /** Per window pixel: evaluated this pass when #seen equals #stamp; #fg then holds the verdict. */
  #seen = new Uint32Array(0);
  #fg = new Uint8Array(0);
  #stamp = 0;
  /** Flood stack and the current region's column/row projections (zero between floods). */
  #stack = new Int32Array(0);
  #cols = new Int32Array(0);
  #rows = new Int32Array(0);
  readonly #blob: Blob = newBlob();
  readonly #best: Blob = newBlob();
  // Current window and frame.
  #x0 = 0;
  #y0 = 0;
  #ww = 0;
  #wh = 0;
  #frame: RgbFrame | null = null;

  constructor(o: ContrastSegmenterOptions = {}) {
    this.#o = {
      window: o.window ?? 128,
      maxWindow: o.maxWindow ?? 512,
      deltaE: o.deltaE ?? 22,
      minArea: o.minArea ?? 12,
      clickRadius: o.clickRadius ?? 4,
      minority: o.minority ?? 0.5,
    };
    if (!(this.#o.window >= 16 && this.#o.maxWindow >= this.#o.window)) {
      throw new RangeError('segmenter windows must be ≥ 16 px and maxWindow ≥ window');
    }
  }

  #ensure(w: number, h: number): void {
    const n = w * h;
    if (this.#seen.length < n) {
      this.#seen = new Uint32Array(n);
      this.#fg = new Uint8Array(n);
      this.#stack = new Int32Array(n);
      this.#stamp = 0;
    }
    if (this.#cols.length < w) this.#cols = new Int32Array(w);
    if (this.#rows.length < h) this.#rows = new Int32Array(h);
  }

  /**
   * The object at pixel (x, y), or why there is none. Foreground is decided
   * per pixel only where the flood fill from the click reaches (the window's
   * other pixels are never looked at), so a click costs the palette plus
   * the object's area whatever the window size.
   */
  segment(frame: RgbFrame, x: number, y: number): SegmentResult {
    checkFrame(frame);
    if (!(Number.isFinite(x) && Number.isFinite(y)) || x < 0 || y < 0 || x >= frame.width || y >= frame.height) {
      return { found: false, reason: 'outside_frame', window: 0 };
    }
    const cx = Math.floor(x);
    const cy = Math.floor(y);
    const maxW = Math.min(this.#o.maxWindow, frame.width);
    const maxH = Math.min(this.#o.maxWindow, frame.height);
    this.#ensure(maxW, maxH);
    this.#frame = frame;
    let side = this.#o.window;
    for (;;) {
      const ww = Math.min(side, frame.width);
      const wh = Math.min(side, frame.height);
      // Centred on the click, shifted to stay inside the frame.
      this.#x0 = Math.max(0, Math.min(frame.width - ww, cx - (ww >> 1)));
      this.#y0 = Math.max(0, Math.min(frame.height - wh, cy - (wh >> 1)));
      this.#ww = ww;
      this.#wh = wh;
      if (++this.#stamp === 0xffffffff) {
        this.#seen.fill(0);
        this.#stamp = 1;
      }
      const last = ww >= maxW && wh >= maxH;
      this.#palette.build(frame, this.#x0, this.#y0, this.#x0 + ww, this.#y0 + wh);
      if (this.#regionAt(cx, cy)) {
        const b = this.#best;
        if (lineLike(b)) return { found: false, reason: 'ground', window: side };
        if (!b.edge) return { found: true, detection: this.#detection(b), window: side };
        if (last) return { found: false, reason: 'too_large', window: side };
      } else {
        const d = frame.data;
        const o = (cy * frame.width + cx) * 3;
        if (last || this.#palette.support(d[o], d[o + 1], d[o + 2], this.#o.deltaE) >= this.#o.minority) {
          return { found: false, reason: 'ground', window: side };
        }
      }
      side *= 2;
    }
  }

  /** Foreground verdict of window cell c (evaluated once per pass). */
  #isFg(c: number): boolean {
    if (this.#seen[c] === this.#stamp) return this.#fg[c] === 1;
    this.#seen[c] = this.#stamp;
    const j = (c / this.#ww) | 0;
    const i = c - j * this.#ww;
    const f = this.#frame!;
    const o = ((this.#y0 + j) * f.width + this.#x0 + i) * 3;
    const de = this.#o.deltaE;
    const v = this.#palette.distance(f.data[o], f.data[o + 1], f.data[o + 2], de) > de ? 1 : 0;
    this.#fg[c] = v;
    return v === 1;
  }

  /** The largest foreground region with pixels within clickRadius of (cx, cy), into #best; false if none. */
  #regionAt(cx: number, cy: number): boolean {
    const r = this.#o.clickRadius;
    const lx = cx - this.#x0;
    const ly = cy - this.#y0;
    let found = false;
    this.#best.pixels = 0;
    for (let j = Math.max(0, ly - r); j <= Math.min(this.#wh - 1, ly + r); j++) {
      for (let i = Math.max(0, lx - r); i <= Math.min(this.#ww - 1, lx + r); i++) {
        const c = j * this.#ww + i;
        const fresh = this.#seen[c] !== this.#stamp;
        if (!this.#isFg(c) || !fresh) continue;
        this.#flood(c);
        const b = this.#blob;
        if (b.pixels >= this.#o.minArea && b.pixels > this.#best.pixels) {
          Object.assign(this.#best, b);
          found = true;
        }
      }
    }
    return found;
  }

  /** 8-connected flood from cell c (already marked foreground); region stats into #blob. */
  #flood(c: number): void {
    const ww = this.#ww;
    const wh = this.#wh;
    const stack = this.#stack;
    const cols = this.#cols;
    const rows = this.#rows;
    let sp = 0;
    stack[sp++] = c;
    let count = 0;
    let minI = ww;
    let maxI = -1;
    let minJ = wh;
    let maxJ = -1;
    while (sp > 0) {
      const cur = stack[--sp];
      const j = (cur / ww) | 0;
      const i = cur - j * ww;
      if (i < minI) minI = i;
      if (i > maxI) maxI = i;
      if (j < minJ) minJ = j;
      if (j > maxJ) maxJ = j;
      cols[i]++;
      rows[j]++;
      count++;
      for (let dj = -1; dj <= 1; dj++) {
        const jj = j + dj;
        if (jj < 0 || jj >= wh) continue;
        for (let di = -1; di <= 1; di++) {
          const ii = i + di;
          if (ii < 0 || ii >= ww) continue;
          const nc = jj * ww + ii;
          // Push each foreground cell once: it is pushed right after its first evaluation.
          if (this.#seen[nc] !== this.#stamp && this.#isFg(nc)) stack[sp++] = nc;
        }
      }
    }
    trimmedBox(cols, rows, minI, maxI, minJ, maxJ, this.#blob);
    cols.fill(0, minI, maxI + 1);
    rows.fill(0, minJ, maxJ + 1);
    const b = this.#blob;
    b.pixels = count;
    b.inside = count;
    b.x += this.#x0;
    b.y += this.#y0;
    b.edge = minI === 0 || minJ === 0 || maxI === ww - 1 || maxJ === wh - 1;
  }

  #detection(b: Blob): Detection {
    return {
      bbox: [b.x, b.y, b.w, b.h],
      class_id: OBJECT_CLASS_ID,
      class_name: OBJECT_CLASS_NAME,
      // How solidly the region fills its box: ≈0.95 for a car, ≈0.8 for a round shape, low for a thin or ragged one.
      score: Math.min(1, b.pixels / (b.w * b.h)),
    };
  }
}
