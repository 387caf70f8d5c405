// Smart mode's state for clicks: the detections of the recent low-rate
// passes (bounded, pruned by age) plus, per click, the contrast segment at
// the click; selectClick() decides. The caller starts the tracker on a
// selected box and answers a refusal with its message.

import { iou } from './nms.js';
import type { Detection, RgbFrame } from './types.js';
import { ContrastSegmenter, ContrastSegmenterOptions, SegmentResult } from './contrast-segmenter.js';
import { ClickSelection, TimedDetection, selectClick } from './click-select.js';

export interface SmartClickOptions {
  segmenter?: ContrastSegmenterOptions;
  maxAgeS?: number;
}

/** An older detection overlapping the click's own segment this much is the same object. */
const SAME_OBJECT_IOU = 0.3;


/** Detections kept: 3 passes of the original's 20 — more than 0.75 s holds at the detector's few-Hz rate. */
const MAX_KEPT = 60;

export interface SmartClickResult {
  selection: ClickSelection;
  /** What the click-seeded segmentation found (or why not). */
  segment: SegmentResult;
}

export class SmartClick {
  readonly #seg: ContrastSegmenter;
  readonly #maxAge: number;
  /** Recent detections, oldest first, at most MAX_KEPT. */
  #items: TimedDetection[] = [];

  constructor(o: SmartClickOptions = {}) {
    this.#seg = new ContrastSegmenter(o.segmenter);
    this.#maxAge = o.maxAgeS ?? 0.75;
  }

  /** Records a detection pass over the frame captured at `t` (s). */
  addDetections(detections: readonly Detection[], t: number): void {
    for (const d of detections) this.#items.push({ detection: d, t });
    this.#prune(t);
  }

  /** Detections still usable at time `now`. */
  recent(now: number): readonly TimedDetection[] {
    this.#prune(now);
    return this.#items;
  }

  #prune(now: number): void {
    let k = 0;
    while (k < this.#items.length && now - this.#items[k].t > this.#maxAge) k++;
    if (k > 0) this.#items = this.#items.slice(k);
    if (this.#items.length > MAX_KEPT) this.#items = this.#items.slice(this.#items.length - MAX_KEPT);
  }

  /**
   * A click at pixel (x, y) on `frame` (captured at `t`): segments at the
   * click, then applies the selection rule to the recent detections plus
   * that segment.
   */
  click(frame: RgbFrame, x: number, y: number, t: number, following: boolean): SmartClickResult {
    const opts = { width: frame.width, height: frame.height, now: t, following, maxAgeS: this.#maxAge };
    if (following) return { selection: selectClick(x, y, [], opts), segment: { found: false, reason: 'ground', window: 0 } };
    const segment = this.#seg.segment(frame, x, y);
    let items = [...this.recent(t)];
    if (segment.found) {
      // The segment is the clicked frame's own view of what is under the
      // cursor: older detections of the same object (overlapping it) would
      // win the smallest-box rule with a box from an earlier position.
      const s = segment.detection.bbox;
      items = items.filter((i) => iou(i.detection.bbox, s) < SAME_OBJECT_IOU);
      items.push({ detection: segment.detection, t });
    }
    return { selection: selectClick(x, y, items, opts), segment };
  }
}
