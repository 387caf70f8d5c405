// "dlib": a dlib-style correlation tracker — MOSSE for translation
// (mosse-filter.ts) plus the DSST scale filter (scale-filter.ts), as dlib's
// correlation_tracker combines them. Appearance is 0 when MOSSE's peak-to-
// sidelobe ratio says failure, else the box's NCC with the first frame's target.

import type { Measurement, PixelBox, RgbFrame, Tracker } from './types.js';
import { checkBox, checkFrame, checkSameSize } from './types.js';
import { MosseFilter } from './mosse-filter.js';
import { ScaleFilter } from './scale-filter.js';
import { sampleGrey } from './patch.js';
import { windowShape } from './search-window.js';
import { TemplateCheck, nccToAppearance } from './template-check.js';

export interface MosseTrackerOptions {
  /** Context around the target in target sizes (MOSSE's window is about twice the target: 1). */
  padding?: number;
  /** Paper: 0.125. */
  learningRate?: number;
}

/** MOSSE's authors call a peak-to-sidelobe ratio under 7 a failure. */
const PSR_FAILURE = 7;

export class MosseTracker implements Tracker {
  readonly name: string;
  readonly algorithm = 'dlib-style correlation tracker: MOSSE translation filter on log-grey pixels, DSST scale filter (17 scales)';
  /** Context padding and learning rate. */
  readonly #pad: number;
  readonly #rate: number;
  /** Translation filter (sized at init) and scale filter. */
  #filter: MosseFilter | null = null;
  readonly #scale = new ScaleFilter();
  /** Filter input patch. */
  #patch = new Float64Array(0);
  // Box: centre and size, frame pixels.
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

  constructor(name = 'dlib', o: MosseTrackerOptions = {}) {
    this.name = name;
    this.#pad = o.padding ?? 1;
    this.#rate = o.learningRate ?? 0.125;
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
    this.#filter = new MosseFilter({ w: shape.pw, h: shape.ph, sigma: Math.max(1, Math.min(shape.pw, shape.ph) / 32) });
    this.#patch = new Float64Array(shape.pw * shape.ph);
    this.#sample(frame, this.#cx, this.#cy);
    this.#filter.train(this.#patch, 1);
    // Bolme et al. start from perturbed copies of the first patch; slightly zoomed copies keep the target centred (the label does not move).
    for (const zoom of [0.96, 0.98, 1.02, 1.04]) {
      this.#sample(frame, this.#cx, this.#cy, zoom);
      this.#filter.addSample(this.#patch, 0.5);
    }
    this.#check.init(frame, box);
    this.#scale.init(box.w, box.h);
    this.#scale.train(frame, this.#cx, this.#cy, this.#w, this.#h);
  }

  #sample(frame: RgbFrame, cx: number, cy: number, zoom = 1): void {
    const f = this.#filter!;
    const k = (1 + this.#pad) * zoom;
    sampleGrey(frame, cx, cy, this.#w * k, this.#h * k, this.#patch, f.w, f.h);
  }

  update(frame: RgbFrame, predicted: PixelBox | null = null): Measurement | null {
    const f = this.#filter;
    if (!f) return null;
    checkSameSize(frame, this.#fw, this.#fh);
    const cx0 = predicted ? predicted.x + predicted.w / 2 : this.#cx;
    const cy0 = predicted ? predicted.y + predicted.h / 2 : this.#cy;
    this.#sample(frame, cx0, cy0);
    const peak = f.detect(this.#patch);
    const k = 1 + this.#pad;
    this.#cx = cx0 + (peak.dx * this.#w * k) / f.w;
    this.#cy = cy0 + (peak.dy * this.#h * k) / f.h;
    const confident = peak.psr >= PSR_FAILURE;
    const s = this.#scale.detect(frame, this.#cx, this.#cy, this.#w, this.#h);
    this.#w *= s;
    this.#h *= s;
    this.#sample(frame, this.#cx, this.#cy);
    f.train(this.#patch, this.#rate);
    this.#scale.train(frame, this.#cx, this.#cy, this.#w, this.#h);
    const out = this.#out;
    out.box.x = this.#cx - this.#w / 2;
    out.box.y = this.#cy - this.#h / 2;
    out.box.w = this.#w;
    out.box.h = this.#h;
    // A PSR under the failure level zeroes the score; otherwise the box must still look like the first frame's target.
    out.appearance = confident ? nccToAppearance(this.#check.score(frame, out.box)) : 0;
    return out;
  }
}
