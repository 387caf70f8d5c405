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
import { Blob, BlobFinder, newBlob } from './blob-finder.js';

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
  #finder: BlobFinder | null = null;
  #capW = 0;
  #capH = 0;
  readonly #blob: Blob = newBlob();

  constructor(o: ContrastSegmenterOptions = {}) {
    this.#o = {
      window: o.window ?? 128,
      maxWindow: o.maxWindow ?? 512,
      deltaE: o.deltaE ?? 22,
      minArea: o.minArea ?? 12,
      clickRadius: o.clickRadius ?? 4,
      minority: o.minority ?? 0.25,
    };
    if (!(this.#o.window >= 16 && this.#o.maxWindow >= this.#o.window)) throw new RangeError('segmenter windows must be ≥ 16 px and maxWindow ≥ window');
  }

  #finderFor(w: number, h: number): BlobFinder {
    if (!this.#finder || this.#capW < w || this.#capH < h) {
      this.#finder = new BlobFinder(w, h);
      this.#capW = w;
      this.#capH = h;
    }
    return this.#finder;
  }

  /** The object at pixel (x, y), or why there is none. */
  segment(frame: RgbFrame, x: number, y: number): SegmentResult {
    checkFrame(frame);
    if (!(Number.isFinite(x) && Number.isFinite(y)) || x < 0 || y < 0 || x >= frame.width || y >= frame.height) {
      return { found: false, reason: 'outside_frame', window: 0 };
    }
    const cx = Math.floor(x);
    const cy = Math.floor(y);
    const maxW = Math.min(this.#o.maxWindow, frame.width);
    const maxH = Math.min(this.#o.maxWindow, frame.height);
    const finder = this.#finderFor(maxW, maxH);
    let side = this.#o.window;
    for (;;) {
      const ww = Math.min(side, frame.width);
      const wh = Math.min(side, frame.height);
      // Centred on the click, shifted to stay inside the frame.
      const x0 = Math.max(0, Math.min(frame.width - ww, cx - (ww >> 1)));
      const y0 = Math.max(0, Math.min(frame.height - wh, cy - (wh >> 1)));
      const last = ww >= maxW && wh >= maxH;
      this.#palette.build(frame, x0, y0, x0 + ww, y0 + wh);
      const mask = finder.beginMask(x0, y0, ww, wh);
      const d = frame.data;
      const de = this.#o.deltaE;
      for (let j = 0; j < wh; j++) {
        let o = ((y0 + j) * frame.width + x0) * 3;
        const row = j * ww;
        for (let i = 0; i < ww; i++, o += 3) mask[row + i] = this.#palette.distance(d[o], d[o + 1], d[o + 2], de) > de ? 1 : 0;
      }
      const r = this.#o.clickRadius;
      const found = finder.bestOverlapping({ x: cx - r, y: cy - r, w: 2 * r + 1, h: 2 * r + 1 }, this.#o.minArea, this.#blob);
      if (found) {
        const b = this.#blob;
        if (lineLike(b)) return { found: false, reason: 'ground', window: side };
        if (!b.edge) return { found: true, detection: this.#detection(b), window: side };
        if (last) return { found: false, reason: 'too_large', window: side };
      } else {
        const o = (cy * frame.width + cx) * 3;
        if (last || this.#palette.support(d[o], d[o + 1], d[o + 2], de) >= this.#o.minority) {
          return { found: false, reason: 'ground', window: side };
        }
      }
      side *= 2;
    }
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
