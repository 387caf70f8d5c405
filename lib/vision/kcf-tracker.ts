// "KCF": the kernelized correlation filter on grey pixels (kcf-filter.ts)
// with a three-scale search, so the box grows and shrinks with the target.
// The session's Kalman estimate centres the search; this tracker adds no
// colour or appearance logic, it is the plain fast option.

import type { Measurement, PixelBox, RgbFrame, Tracker } from './types.js';
import { checkBox, checkFrame, checkSameSize } from './types.js';
import { KcfFilter } from './kcf-filter.js';
import { sampleGrey } from './patch.js';
import { windowShape } from './search-window.js';
import { TemplateCheck, nccToAppearance } from './template-check.js';

export interface KcfTrackerOptions {
  /** Context around the target, in target sizes (paper: 1.5). */
  padding?: number;
  /** Model interpolation per frame (paper: 0.075). */
  learningRate?: number;
  /** Relative scale step tried each frame (1 / step and step). */
  scaleStep?: number;
  /** A scale change must beat staying put by this factor (avoids drifting scale on noise). */
  scalePenalty?: number;
}

/** A KCF peak below this is no match at all (a good match peaks at 0.5–1). */
const PEAK_FAILURE = 0.15;

export class KcfTracker implements Tracker {
  readonly name: string;
  readonly algorithm = 'KCF: kernelized correlation filter on grey pixels, Gaussian kernel, 3-scale search';
  /** Context padding, learning rate, scales tried and the penalty on changing scale. */
  readonly #pad: number;
  readonly #rate: number;
  readonly #scales: readonly number[];
  readonly #penalty: number;
  /** The filter (sized at init). */
  #filter: KcfFilter | null = null;
  /** Patch buffer (filter size). */
  /** Filter input patch. */
  #patch = new Float64Array(0);
  // Box state: centre and size in frame pixels.
  #cx = 0;
  #cy = 0;
  #w = 0;
  #h = 0;
  /** The first frame's look of the target: the filter's own confidence cannot see drift. */
  readonly #check = new TemplateCheck();
  /** Frame size at init: every update must match it. */
  #fw = 0;
  #fh = 0;
  /** Returned by update(), rewritten each call. */
  readonly #out: Measurement = { box: { x: 0, y: 0, w: 0, h: 0 }, appearance: 0 };

  constructor(name = 'KCF', o: KcfTrackerOptions = {}) {
    this.name = name;
    this.#pad = o.padding ?? 1.5;
    this.#rate = o.learningRate ?? 0.075;
    const s = o.scaleStep ?? 1.05;
    this.#scales = [1, 1 / s, s];
    this.#penalty = o.scalePenalty ?? 0.97;
  }

  init(frame: RgbFrame, box: PixelBox): void {
    checkFrame(frame);
    checkBox(box, frame.width, frame.height);
    this.#fw = frame.width;
    this.#fh = frame.height;
    this.#cx = box.x + box.w / 2;
    this.#cy = box.y + box.h / 2;
    this.#w = box.w;
    this.#h = box.h;
    const shape = windowShape(box.w, box.h, this.#pad);
    this.#filter = new KcfFilter({ w: shape.pw, h: shape.ph, targetW: shape.pw / shape.pad, targetH: shape.ph / shape.pad });
    this.#patch = new Float64Array(shape.pw * shape.ph);
    this.#sample(frame, this.#cx, this.#cy, 1);
    this.#filter.train(this.#patch, 1);
    this.#check.init(frame, box);
  }

  #sample(frame: RgbFrame, cx: number, cy: number, scale: number): void {
    const f = this.#filter!;
    const k = (1 + this.#pad) * scale;
    sampleGrey(frame, cx, cy, this.#w * k, this.#h * k, this.#patch, f.w, f.h);
  }

  update(frame: RgbFrame, predicted: PixelBox | null = null): Measurement | null {
    const f = this.#filter;
    if (!f) return null;
    checkSameSize(frame, this.#fw, this.#fh);
    const cx0 = predicted ? predicted.x + predicted.w / 2 : this.#cx;
    const cy0 = predicted ? predicted.y + predicted.h / 2 : this.#cy;
    let best = -Infinity;
    let bestDx = 0;
    let bestDy = 0;
    let bestScale = 1;
    let bestValue = 0;
    for (const s of this.#scales) {
      this.#sample(frame, cx0, cy0, s);
      const peak = f.detect(this.#patch);
      const score = s === 1 ? peak.value : peak.value * this.#penalty;
      if (score > best) {
        best = score;
        bestValue = peak.value;
        bestScale = s;
        // Patch pixels → frame pixels at this scale.
        bestDx = (peak.dx * this.#w * (1 + this.#pad) * s) / f.w;
        bestDy = (peak.dy * this.#h * (1 + this.#pad) * s) / f.h;
      }
    }
    this.#cx = cx0 + bestDx;
    this.#cy = cy0 + bestDy;
    this.#w *= bestScale;
    this.#h *= bestScale;
    this.#sample(frame, this.#cx, this.#cy, 1);
    f.train(this.#patch, this.#rate);
    const out = this.#out;
    out.box.x = this.#cx - this.#w / 2;
    out.box.y = this.#cy - this.#h / 2;
    out.box.w = this.#w;
    out.box.h = this.#h;
    // The filter's peak cannot see drift onto the background (it learnt it); the first frame's template can.
    out.appearance = bestValue < PEAK_FAILURE ? 0 : nccToAppearance(this.#check.score(frame, out.box));
    return out;
  }
}
