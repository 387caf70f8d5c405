// Appearance check for the plain correlation trackers: normalised cross-
// correlation between the box's grey content now and a template kept from
// the start. A correlation filter that has learnt the background scores
// itself highly (PSR > 100 on static ground, measured), so its own
// confidence cannot tell drift from tracking; the frozen template can.

import type { PixelBox, RgbFrame } from './types.js';
import { sampleGrey } from './patch.js';

/** Template resolution: ≤ 256 values keeps a check at ≈0.03 ms. */
const MAX_VALUES = 256;

export class TemplateCheck {
  #tw = 0;
  #th = 0;
  /** Zero-mean, unit-norm template. */
  #tpl = new Float64Array(0);
  #buf = new Float64Array(0);

  get ready(): boolean {
    return this.#tw > 0;
  }

  /** Keeps the box's content as the reference. */
  init(frame: RgbFrame, box: PixelBox): void {
    const k = Math.min(1, Math.sqrt(MAX_VALUES / (box.w * box.h)));
    this.#tw = Math.max(4, Math.round(box.w * k));
    this.#th = Math.max(4, Math.round(box.h * k));
    this.#tpl = new Float64Array(this.#tw * this.#th);
    this.#buf = new Float64Array(this.#tw * this.#th);
    sampleGrey(frame, box.x + box.w / 2, box.y + box.h / 2, box.w, box.h, this.#tpl, this.#tw, this.#th);
    normalise(this.#tpl);
  }

  /** NCC (−1..1) of the box's content against the reference, resampled to the reference's size. */
  score(frame: RgbFrame, box: PixelBox): number {
    if (!this.ready) return 0;
    sampleGrey(frame, box.x + box.w / 2, box.y + box.h / 2, box.w, box.h, this.#buf, this.#tw, this.#th);
    if (!normalise(this.#buf)) return 0;
    let s = 0;
    for (let i = 0; i < this.#tpl.length; i++) s += this.#tpl[i] * this.#buf[i];
    return s;
  }
}

/** Zero mean, unit norm in place; false for a flat patch. */
function normalise(v: Float64Array): boolean {
  let mean = 0;
  for (let i = 0; i < v.length; i++) mean += v[i];
  mean /= v.length;
  let ss = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] -= mean;
    ss += v[i] * v[i];
  }
  if (ss < 1e-9) return false;
  const inv = 1 / Math.sqrt(ss);
  for (let i = 0; i < v.length; i++) v[i] *= inv;
  return true;
}

/**
 * NCC → appearance 0..1. Measured here: a tracked target scores NCC
 * 0.6–0.9 against its first-frame template (sensor noise and a moving
 * sunroof bar keep it below 1; a 15 px person is noisiest), a box that has
 * drifted onto ground 0–0.3. The map puts the session's 0.7 gate at NCC 0.55.
 */
export const NCC_NONE = 0.2;
export const NCC_SURE = 0.7;
export const nccToAppearance = (ncc: number): number => Math.max(0, Math.min(1, (ncc - NCC_NONE) / (NCC_SURE - NCC_NONE)));
