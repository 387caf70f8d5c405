// Raw-ring slots as RgbFrame for the vision threads, with the seqlock check:
// RGB24 slots are read in place (no copy), YUYV slots are converted into one
// buffer kept for that, and JPEG slots (MJPEG cameras) are copied out and
// decoded by sharp. `stillValid()` after the work says whether the camera
// lapped the slot meanwhile, in which case the result is discarded.

import sharp from 'sharp';
import { PixelFormat, type RawRing } from '../bus/raw-ring.js';
import { yuyvToRgb } from '../bus/yuyv-to-rgb.js';
import type { RgbFrame } from './types.js';

export class RingFrameReader {
  readonly #ring: RawRing;
  readonly #rgbBytes: number;
  /** Converted or decoded pixels, when the slot is not RGB24; allocated on first need. */
  #own: Buffer | null = null;
  #jpeg: Buffer | null = null;
  /** Views handed out, rebuilt only when their buffer changes. */
  readonly #views: RgbFrame[];
  #ownView: RgbFrame | null = null;
  /** The last frame read is the slot itself (RGB24), so the camera can still overwrite it. */
  #inPlace = false;

  constructor(ring: RawRing) {
    this.#ring = ring;
    this.#rgbBytes = ring.width * ring.height * 3;
    this.#views = [];
    for (let s = 0; s < ring.slots; s++) {
      this.#views.push({ data: ring.view(s).subarray(0, this.#rgbBytes), width: ring.width, height: ring.height });
    }
  }

  /** Frame `seq` as RGB, or null when the slot no longer holds it (or a JPEG does not decode). */
  async read(seq: number): Promise<RgbFrame | null> {
    const ring = this.#ring;
    const slot = ring.slotOf(seq);
    if (ring.slotSeq(slot) !== seq) return null;
    const format = ring.format(slot);
    this.#inPlace = format === PixelFormat.RGB24;
    if (this.#inPlace) return this.#views[slot];
    this.#own ??= Buffer.alloc(this.#rgbBytes);
    this.#ownView ??= { data: this.#own, width: ring.width, height: ring.height };
    if (format === PixelFormat.YUYV) {
      yuyvToRgb(ring.view(slot), this.#own, ring.width, ring.height);
      return ring.slotSeq(slot) === seq ? this.#ownView : null;
    }
    const n = Math.min(ring.bytesUsed(slot), ring.slotBytes);
    this.#jpeg ??= Buffer.alloc(ring.slotBytes);
    ring.view(slot).copy(this.#jpeg, 0, 0, n);
    if (ring.slotSeq(slot) !== seq) return null;
    try {
      const { data, info } = await sharp(this.#jpeg.subarray(0, n)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      if (info.width !== ring.width || info.height !== ring.height) return null;
      data.copy(this.#own);
      return this.#ownView;
    } catch {
      return null;
    }
  }

  /** After work on the frame read(seq) returned: false when the camera overwrote it meanwhile (only an in-place RGB24 frame can be). */
  stillValid(seq: number): boolean {
    return !this.#inPlace || this.#ring.slotSeq(this.#ring.slotOf(seq)) === seq;
  }

  captureSeconds(seq: number): number {
    return this.#ring.captureTime(this.#ring.slotOf(seq)) / 1000;
  }
}
