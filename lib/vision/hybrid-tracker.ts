// The default tracker (offered as "CSRT"): a grey KCF for the displacement,
// then the box re-centred and re-sized on the region of target colours under
// it (colour-model.ts, blob-finder.ts). Both models learn only while the box
// still looks like the target, so an occluder or a drift is not learnt; after
// `lostAfter` (5) frames without the target's colour it searches the whole
// frame for a region of the target's colour and size.
//
// Why: on textured ground with structure sliding through the box (furrows,
// the car's swaying sunroof bar) a correlation filter alone drifts; the
// colour region gives the box's edges to the pixel, and the filter keeps the
// position when colours are ambiguous.

import type { Measurement, PixelBox, RgbFrame, Tracker } from './types.js';
import { checkBox, checkFrame, checkSameSize } from './types.js';
import { KcfFilter } from './kcf-filter.js';
import { ColourModel } from './colour-model.js';
import { Blob, BlobFinder, newBlob } from './blob-finder.js';
import { sampleGrey } from './patch.js';
import { windowShape } from './search-window.js';

export interface HybridTrackerOptions {
  /** Frames without the target's colour before the whole-frame search starts (issue: ~5). */
  lostAfter?: number;
  /** Correlation filter learning rate while the box looks right. */
  learningRate?: number;
  /** Colour model learning rate while the box looks right. */
  colourRate?: number;
}

/** Likelihood (0..255) from which a pixel counts as the target's colour: more likely target than surroundings. */
const COLOUR_THRESHOLD = 128;
/** Appearance from which the models learn (the box still looks like the target). */
const LEARN_FROM = 0.8;
/** Below this appearance a frame counts towards the whole-frame search. */
const LOW_BELOW = 0.5;
/** An axis whose extent disagrees with the scale by more than this share (and 2 px) is truncated or merged. */
const ODD_SHARE = 0.05;
/** Frames the tracker's own extrapolation (used without a session estimate) coasts through a loss. */
const COAST_FRAMES = 30;
/** Largest scale change per frame: ±3 % (a drone descending 0.6 m/s at 20 m changes scale 0.1 % per frame at 30 fps). */
const MAX_SCALE_STEP = 0.03;
/** Aspect-ratio gain per frame. */
const ASPECT_GAIN = 0.05;
/** A region within this share of the whole target's area is whole, whatever its box's shape. */
const SAME_AREA = 0.15;
/** Share of a whole region's new box shape taken per frame. */
const SHAPE_GAIN = 0.5;
/** Share of a whole region's pixel count taken into the expected area per frame (it carries noise of a few %). */
const AREA_GAIN = 0.1;
/** Whole-frame candidates whose area is outside this ratio of the expected area are something else. */
const AREA_MIN = 0.35;
const AREA_MAX = 2.5;
/** Size smoothing: share of the new region's size taken each frame (its edges carry ±1 px of noise). */
const SIZE_GAIN = 0.4;
const CANDIDATES = 8;

function copyBlob(a: Blob, b: Blob): void {
  b.pixels = a.pixels; b.inside = a.inside; b.x = a.x; b.y = a.y; b.w = a.w; b.h = a.h; b.edge = a.edge;
}

export class HybridTracker implements Tracker {
  readonly name: string;
  readonly algorithm = 'hybrid: grey KCF displacement, box re-centred and re-sized by a colour model, '
    + 'learning only while the box looks like the target, whole-frame colour search after 5 low-confidence frames';
  /** Low frames before the whole-frame search. */
  readonly #lostAfter: number;
  /** Learning rates of the filter and of the colour model. */
  readonly #rate: number;
  readonly #colourRate: number;
  /** Target vs surroundings colour likelihood. */
  readonly #colour = new ColourModel();
  /** Grey correlation filter (sized at init). */
  #filter: KcfFilter | null = null;
  /** Region finder sized for the frame, and the frame size it was made for. */
  #finder: BlobFinder | null = null;
  #finderW = 0;
  #finderH = 0;
  /** Filter input patch. */
  #patch = new Float64Array(0);
  /** KCF window: padding 1.5 (patch covers 2.5 box sizes). */
  readonly #pad = 1.5;
  // Box: centre and size, frame pixels.
  #cx = 0;
  #cy = 0;
  #w = 0;
  #h = 0;
  /**
   * Pixels of the target's colour region when whole, following the scale:
   * a turning target keeps it while its box changes shape; a hidden part
   * takes from it.
   */
  #area = 1;
  /** Consecutive frames below LOW_BELOW. */
  #low = 0;
  /** Frames since init (the colour model learns every 5th). */
  #frames = 0;
  /** The last fit anchored an edge of a truncated region. */
  #anchored = false;
  /** Own velocity estimate (px/frame, smoothed), used only when update() gets no prediction. */
  #vx = 0;
  #vy = 0;
  /** The region found this frame, whole-frame candidates, and a scratch region. */
  readonly #blob: Blob = newBlob();
  readonly #cands: Blob[] = Array.from({ length: CANDIDATES }, newBlob);
  readonly #scratch: Blob = newBlob();
  /** Reused box for queries. */
  readonly #probe: PixelBox = { x: 0, y: 0, w: 0, h: 0 };
  /** Probe centres for #locate. */
  readonly #px = new Float64Array(3);
  readonly #py = new Float64Array(3);
  /** Frame size at init: every update must match it. */
  #fw = 0;
  #fh = 0;
  /** Returned by update(), rewritten each call. */
  readonly #out: Measurement = { box: { x: 0, y: 0, w: 0, h: 0 }, appearance: 0 };

  constructor(name = 'CSRT', o: HybridTrackerOptions = {}) {
    this.name = name;
    this.#lostAfter = o.lostAfter ?? 5;
    this.#rate = o.learningRate ?? 0.05;
    this.#colourRate = o.colourRate ?? 0.02;
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
    if (!this.#finder || this.#finderW !== frame.width || this.#finderH !== frame.height) {
      this.#finder = new BlobFinder(frame.width, frame.height);
      this.#finderW = frame.width;
      this.#finderH = frame.height;
    }
    this.#colour.learn(frame, box, 1);
    // Tighten a loose initial box (an operator's drag, a detector's margin) to the colour region inside it.
    this.#px[0] = this.#cx;
    this.#py[0] = this.#cy;
    if (this.#locate(frame, 1, false)) {
      const b = this.#blob;
      if (b.w >= 0.5 * box.w && b.h >= 0.5 * box.h) {
        this.#cx = b.x + b.w / 2;
        this.#cy = b.y + b.h / 2;
        this.#w = b.w;
        this.#h = b.h;
        this.#colour.learn(frame, this.#box(), 1);
        this.#px[0] = this.#cx;
        this.#py[0] = this.#cy;
        this.#locate(frame, 1, false);
      }
      this.#area = Math.max(0.3 * this.#w * this.#h, this.#blob.pixels);
    } else {
      this.#area = this.#w * this.#h;
    }
    const shape = windowShape(this.#w, this.#h, this.#pad);
    this.#filter = new KcfFilter({ w: shape.pw, h: shape.ph, targetW: shape.pw / shape.pad, targetH: shape.ph / shape.pad });
    this.#patch = new Float64Array(shape.pw * shape.ph);
    this.#sample(frame, this.#cx, this.#cy);
    this.#filter.train(this.#patch, 1);
    this.#low = 0;
    this.#frames = 0;
    this.#vx = 0;
    this.#vy = 0;
  }

  #box(): PixelBox {
    const p = this.#probe;
    p.x = this.#cx - this.#w / 2;
    p.y = this.#cy - this.#h / 2;
    p.w = this.#w;
    p.h = this.#h;
    return p;
  }

  #sample(frame: RgbFrame, cx: number, cy: number): void {
    const f = this.#filter!;
    const k = 1 + this.#pad;
    sampleGrey(frame, cx, cy, this.#w * k, this.#h * k, this.#patch, f.w, f.h);
  }

  /**
   * Colour region for a box of the current size: the one overlapping most
   * the box centred on any of the `n` probe centres in #px/#py (filter
   * result, session estimate, own extrapolation: at a sharp turn only some
   * of them are right), searched within a margin around them all. With
   * `wide`, a region beside the probes counts too (a target emerging from an
   * occluder shows up beside the estimate first). Result in #blob.
   */
  #locate(frame: RgbFrame, n: number, wide: boolean): boolean {
    const w = this.#w;
    const h = this.#h;
    const m = Math.max(12, 0.5 * Math.max(w, h)) * (wide ? 2 : 1);
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      x0 = Math.min(x0, this.#px[i] - w / 2 - m);
      y0 = Math.min(y0, this.#py[i] - h / 2 - m);
      x1 = Math.max(x1, this.#px[i] + w / 2 + m);
      y1 = Math.max(y1, this.#py[i] + h / 2 + m);
    }
    const finder = this.#finder!;
    finder.mask(frame, this.#colour.lut, COLOUR_THRESHOLD, x0, y0, x1 - x0, y1 - y0, 1);
    const probe = this.#probe;
    probe.w = w;
    probe.h = h;
    const min = Math.max(4, 0.1 * this.#area);
    const best = this.#blob;
    const cand = this.#scratch;
    let found = false;
    for (let i = 0; i < n; i++) {
      if (i > 0) finder.revisit();
      probe.x = this.#px[i] - w / 2;
      probe.y = this.#py[i] - h / 2;
      if (finder.bestOverlapping(probe, min, cand) && (!found || cand.inside > best.inside)) {
        copyBlob(cand, best);
        found = true;
      }
    }
    if (found || !wide) return found;
    finder.revisit();
    if (!finder.nearest(this.#px[0], this.#py[0], min, best)) return false;
    // Its pixels count as inside the expected box they will be fitted to (the appearance is their share of it).
    best.inside = best.pixels;
    return true;
  }

  /**
   * Places the box on the found region. A scale change moves both axes
   * together (the camera climbs or descends), so the scale comes from the
   * axis that changed least, and an axis that disagrees with it by more than
   * a couple of pixels is truncated (occluder, frame edge) or merged with
   * something: its size follows the other axis's scale, and the box is
   * anchored on the region's edge nearest the reference (the hidden side is
   * the one away from where the target should be). The aspect ratio adapts
   * only slowly and only from whole regions, so a target sliding under an
   * occluder cannot shrink the box frame by frame.
   */
  #fit(refX: number, refY: number): void {
    const b = this.#blob;
    const w = this.#w;
    const h = this.#h;
    const rw = b.w / w;
    const rh = b.h / h;
    const s = Math.abs(rw - 1) < Math.abs(rh - 1) ? rw : rh;
    const oddX = Math.abs(b.w - w * s) > Math.max(2, ODD_SHARE * w);
    const oddY = Math.abs(b.h - h * s) > Math.max(2, ODD_SHARE * h);
    // Axes that disagree with a region of the whole target's area: the target turned (the camera yawed), its
    // box changes shape; take the region's box.
    if ((oddX || oddY) && Math.abs(b.pixels / this.#area - 1) <= SAME_AREA) {
      this.#w = w + SHAPE_GAIN * (b.w - w);
      this.#h = h + SHAPE_GAIN * (b.h - h);
      this.#cx = b.x + b.w / 2;
      this.#cy = b.y + b.h / 2;
      this.#anchored = false;
      return;
    }
    // Scale from the axes that are whole: both (their mean), or the one that is not truncated (a car half
    // under a tree still shows its full width); the aspect ratio adapts only when both are whole.
    const step = Math.max(1 - MAX_SCALE_STEP, Math.min(1 + MAX_SCALE_STEP, oddX || oddY ? s : (rw + rh) / 2));
    const k = 1 + SIZE_GAIN * (step - 1);
    const a = oddX || oddY ? 1 : 1 + ASPECT_GAIN * (rw / rh - 1);
    const nw = oddX && oddY ? w : w * k * a;
    const nh = oddX && oddY ? h : (h * k) / a;
    // A whole region measures the target's area directly (scale and turning both change it); a truncated one says nothing.
    if (!oddX && !oddY) this.#area += AREA_GAIN * (b.pixels - this.#area);
    else if (!(oddX && oddY)) this.#area *= k * k;
    this.#anchored = oddX || oddY;
    this.#cx = oddX ? this.#anchor(b.x, b.w, nw, refX) : b.x + b.w / 2;
    this.#cy = oddY ? this.#anchor(b.y, b.h, nh, refY) : b.y + b.h / 2;
    this.#w = nw;
    this.#h = nh;
  }

  /** Centre of a box of `size` sharing one edge with the region [start, start + len), the one nearer `ref`. */
  #anchor(start: number, len: number, size: number, ref: number): number {
    const first = start + size / 2;
    const last = start + len - size / 2;
    return Math.abs(first - ref) < Math.abs(last - ref) ? first : last;
  }

  /** Whole-frame search (every other pixel) for the region most like the target in size; refines it at full resolution. */
  #search(frame: RgbFrame, refX: number, refY: number): boolean {
    const finder = this.#finder!;
    const expected = this.#area;
    finder.mask(frame, this.#colour.lut, COLOUR_THRESHOLD, 0, 0, frame.width, frame.height, 2);
    const n = finder.components(Math.max(4, AREA_MIN * expected), this.#cands);
    let best = -1;
    let bestScore = -Infinity;
    const diag = Math.hypot(frame.width, frame.height);
    for (let k = 0; k < n; k++) {
      const c = this.#cands[k];
      const ratio = c.pixels / expected;
      if (ratio < AREA_MIN || ratio > AREA_MAX) continue;
      // Prefer the expected size, then nearness to where the target should be.
      const sizeScore = -Math.abs(Math.log(ratio));
      const dist = Math.hypot(c.x + c.w / 2 - refX, c.y + c.h / 2 - refY) / diag;
      const score = sizeScore - dist;
      if (score > bestScore) {
        bestScore = score;
        best = k;
      }
    }
    if (best < 0) return false;
    const c = this.#cands[best];
    this.#px[0] = c.x + c.w / 2;
    this.#py[0] = c.y + c.h / 2;
    return this.#locate(frame, 1, false);
  }

  update(frame: RgbFrame, predicted: PixelBox | null = null): Measurement | null {
    const f = this.#filter;
    if (!f) return null;
    checkSameSize(frame, this.#fw, this.#fh);
    this.#frames++;
    // Without the session's estimate, extrapolate with the tracker's own velocity.
    const px = predicted ? predicted.x + predicted.w / 2 : this.#cx + this.#vx;
    const py = predicted ? predicted.y + predicted.h / 2 : this.#cy + this.#vy;
    const lastX = this.#cx;
    const lastY = this.#cy;
    // 1. Correlation filter around the prediction.
    this.#sample(frame, px, py);
    const peak = f.detect(this.#patch);
    const k = 1 + this.#pad;
    const kx = px + (peak.dx * this.#w * k) / f.w;
    const ky = py + (peak.dy * this.#h * k) / f.h;
    // 2. Colour region under the filter's box, the estimate's, or where the tracker's own motion leads.
    this.#px[0] = kx;
    this.#py[0] = ky;
    this.#px[1] = px;
    this.#py[1] = py;
    this.#px[2] = lastX + this.#vx;
    this.#py[2] = lastY + this.#vy;
    let found = this.#locate(frame, 3, this.#low > 0);
    if (!found && this.#low + 1 >= this.#lostAfter) found = this.#search(frame, px, py);
    let appearance = 0;
    this.#anchored = false;
    if (found) {
      this.#fit(px, py);
      // The region against the whole target's: a partly hidden target scores its visible part, a turning one stays whole.
      appearance = Math.min(1, this.#blob.pixels / this.#area);
    } else {
      // Nothing of the target's colour: follow the prediction rather than the filter onto the occluder.
      this.#cx = px;
      this.#cy = py;
      // Own extrapolation stops after a second or so: beyond that it only carries the box away.
      if (this.#low >= COAST_FRAMES) this.#vx = this.#vy = 0;
    }
    this.#low = appearance < LOW_BELOW ? this.#low + 1 : 0;
    if (appearance >= LOW_BELOW) {
      this.#vx = 0.5 * this.#vx + 0.5 * (this.#cx - lastX);
      this.#vy = 0.5 * this.#vy + 0.5 * (this.#cy - lastY);
    }
    // 3. Learn only from a box that still looks like the target.
    if (appearance >= LEARN_FROM) {
      this.#sample(frame, this.#cx, this.#cy);
      f.train(this.#patch, this.#rate);
      if (this.#frames % 5 === 0) this.#colour.learn(frame, this.#box(), this.#colourRate);
    }
    const out = this.#out;
    out.box.x = this.#cx - this.#w / 2;
    out.box.y = this.#cy - this.#h / 2;
    out.box.w = this.#w;
    out.box.h = this.#h;
    out.appearance = appearance;
    out.anchored = this.#anchored;
    return out;
  }
}
