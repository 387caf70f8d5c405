// The contrast segmentation as a whole-frame detector, for smart mode's low-
// rate detection pass: the frame is cut into blocks, each block's pixels are
// compared with the ground colours on the border of a larger window around
// it (block + margin on each side, so an object up to the margin's size
// never reaches that border), and the foreground regions of the whole frame
// become detections of class "object".

import type { Detection, Detector, RgbFrame } from './types.js';
import { checkFrame } from './types.js';
import { GroundPalette } from './ground-palette.js';
import { Blob, BlobFinder, newBlob } from './blob-finder.js';
import { OBJECT_CLASS_ID, OBJECT_CLASS_NAME, lineLike } from './contrast-segmenter.js';

export interface ContrastDetectorOptions {
  block?: number;
  /** Window margin around a block: the largest object found whole (px). */
  margin?: number;
  deltaE?: number;
  minArea?: number;
  /** Regions larger than this share of the frame are ground (a field of another colour), not objects. */
  maxAreaShare?: number;
  /** At most this many detections (the original's limit: 20), largest first. */
  maxDetections?: number;
}

export class ContrastDetector implements Detector {
  readonly name = 'contrast';
  readonly #o: Required<ContrastDetectorOptions>;
  readonly #palette = new GroundPalette();
  #finder: BlobFinder | null = null;
  #fw = 0;
  #fh = 0;
  readonly #blobs: Blob[];

  constructor(o: ContrastDetectorOptions = {}) {
    this.#o = {
      block: o.block ?? 128,
      margin: o.margin ?? 96,
      deltaE: o.deltaE ?? 22,
      minArea: o.minArea ?? 12,
      maxAreaShare: o.maxAreaShare ?? 0.1,
      maxDetections: o.maxDetections ?? 20,
    };
    this.#blobs = Array.from({ length: this.#o.maxDetections }, newBlob);
  }

  /** Detections in the frame (a new array: results are kept by the caller across frames). */
  detect(frame: RgbFrame): Detection[] {
    checkFrame(frame);
    const { width: W, height: H, data: d } = frame;
    if (!this.#finder || this.#fw !== W || this.#fh !== H) {
      this.#finder = new BlobFinder(W, H);
      this.#fw = W;
      this.#fh = H;
    }
    const { block, margin, deltaE } = this.#o;
    const mask = this.#finder.beginMask(0, 0, W, H);
    for (let by = 0; by < H; by += block) {
      for (let bx = 0; bx < W; bx += block) {
        const x1b = Math.min(W, bx + block);
        const y1b = Math.min(H, by + block);
        this.#palette.build(frame, Math.max(0, bx - margin), Math.max(0, by - margin), Math.min(W, x1b + margin), Math.min(H, y1b + margin));
        for (let y = by; y < y1b; y++) {
          let o = (y * W + bx) * 3;
          for (let x = bx; x < x1b; x++, o += 3) mask[y * W + x] = this.#palette.distance(d[o], d[o + 1], d[o + 2], deltaE) > deltaE ? 1 : 0;
        }
      }
    }
    const n = this.#finder.components(this.#o.minArea, this.#blobs);
    const out: Detection[] = [];
    const maxArea = this.#o.maxAreaShare * W * H;
    for (let k = 0; k < n; k++) {
      const b = this.#blobs[k];
      if (b.pixels > maxArea || lineLike(b)) continue;
      const score = Math.min(1, b.pixels / (b.w * b.h));
      out.push({ bbox: [b.x, b.y, b.w, b.h], class_id: OBJECT_CLASS_ID, class_name: OBJECT_CLASS_NAME, score });
    }
    return out;
  }
}
