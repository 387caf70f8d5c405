// Smart mode's MULTI_TARGET output: detections of successive low-rate passes
// associated into targets with stable ids (greedy IoU matching, the way a
// minimal multi-object tracker does it), and the original's targets[] rows
// {target_id, class_id, class_name, bbox, center, confidence, is_selected}.

import { iou } from './nms.js';
import type { Detection } from './types.js';

export interface TargetRow {
  target_id: number;
  class_id: number;
  class_name: string;
  /** Pixels [x, y, w, h]. */
  bbox: [number, number, number, number];
  /** Normalised centre (frame centre 0,0; −1..1, y down). */
  center: [number, number];
  confidence: number;
  is_selected: boolean;
}

export interface MultiTargetOutput {
  data_type: 'MULTI_TARGET';
  /** Capture time of the frame the detections came from, s. */
  timestamp: number;
  frame_id: number;
  tracking_active: boolean;
  targets: TargetRow[];
  selected_target_id: number | null;
}

export interface MultiTargetOptions {
  /** A detection continues a target when their boxes overlap at least this much (IoU). */
  matchIou?: number;
  /** A target unseen for this many passes is dropped. */
  maxMissed?: number;
  /** At most this many targets (the original's 20 detections). */
  maxTargets?: number;
}

interface Track {
  id: number;
  det: Detection;
  missed: number;
}


export class MultiTargets {
  readonly #matchIou: number;
  readonly #maxMissed: number;
  readonly #max: number;
  /** Live targets (at most #max). */
  #tracks: Track[] = [];
  /** Next id to hand out (ids are never reused while the process runs). */
  #nextId = 1;
  /** The operator's selection, by target id. */
  #selected: number | null = null;

  constructor(o: MultiTargetOptions = {}) {
    this.#matchIou = o.matchIou ?? 0.3;
    this.#maxMissed = o.maxMissed ?? 3;
    this.#max = o.maxTargets ?? 20;
  }

  /** Feeds one detection pass; each detection continues the best-overlapping target or starts a new one. */
  update(detections: readonly Detection[]): void {
    const used = new Set<number>();
    const sorted = [...detections].sort((a, b) => b.score - a.score);
    for (const t of this.#tracks) t.missed++;
    for (const d of sorted) {
      let best: Track | null = null;
      let bestIou = this.#matchIou;
      for (const t of this.#tracks) {
        if (used.has(t.id) || t.det.class_id !== d.class_id) continue;
        const v = iou(t.det.bbox, d.bbox);
        if (v >= bestIou) {
          bestIou = v;
          best = t;
        }
      }
      if (best) {
        best.det = d;
        best.missed = 0;
        used.add(best.id);
      } else if (this.#tracks.length < this.#max) {
        const t = { id: this.#nextId++, det: d, missed: 0 };
        this.#tracks.push(t);
        used.add(t.id);
      }
    }
    this.#tracks = this.#tracks.filter((t) => t.missed <= this.#maxMissed);
    if (this.#selected !== null && !this.#tracks.some((t) => t.id === this.#selected)) this.#selected = null;
  }

  /** Marks the target whose current box best overlaps `bbox` as selected; returns its id (null: none overlaps). */
  select(bbox: readonly number[]): number | null {
    let best: Track | null = null;
    let bestIou = 0;
    for (const t of this.#tracks) {
      const v = iou(t.det.bbox, bbox);
      if (v > bestIou) {
        bestIou = v;
        best = t;
      }
    }
    this.#selected = best && bestIou >= this.#matchIou ? best.id : null;
    return this.#selected;
  }

  clearSelection(): void {
    this.#selected = null;
  }

  output(timestamp: number, frameId: number, width: number, height: number): MultiTargetOutput {
    const targets = this.#tracks.filter((t) => t.missed === 0).map((t): TargetRow => {
      const [x, y, w, h] = t.det.bbox;
      return {
        target_id: t.id, class_id: t.det.class_id, class_name: t.det.class_name, bbox: [x, y, w, h],
        center: [(x + w / 2 - width / 2) / (width / 2), (y + h / 2 - height / 2) / (height / 2)],
        confidence: t.det.score, is_selected: t.id === this.#selected,
      };
    });
    return { data_type: 'MULTI_TARGET', timestamp, frame_id: frameId, tracking_active: targets.length > 0, targets, selected_target_id: this.#selected };
  }
}
