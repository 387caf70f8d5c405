// Confidence and gating per control-spec.md: a motion score (displacement
// from the prediction against a quarter of the frame diagonal) blended 50/50
// with the appearance score, smoothed by an EMA; a frame is rejected when
// the smoothed confidence < 0.45, appearance < 0.7, the jump > 0.6 × diagonal
// or the scale change > 0.5, except during the first 10 frames; after a
// rejection 3 good frames in a row are needed before output is usable.

import type { LossReason, RejectDetail } from './tracker-output.js';

export interface GateOptions {
  minConfidence?: number;
  minAppearance?: number;
  /** Largest jump from the prediction, in frame diagonals. */
  maxJump?: number;
  /** Largest relative scale change from the last accepted box (linear size). */
  maxScaleChange?: number;
  /** EMA weight of the new value: s = α·raw + (1 − α)·s. */
  alpha?: number;
  graceFrames?: number;
  goodFramesToResume?: number;
}

export interface GateVerdict {
  accepted: boolean;
  reason: LossReason | null;
  detail: RejectDetail;
  motion: number;
  appearance: number;
  confidence: number;
  /** Accepted and past the recovery rule: fit for following. */
  usable: boolean;
}

export class TrackGate {
  readonly #minConf: number;
  readonly #minApp: number;
  readonly #maxJump: number;
  readonly #maxScale: number;
  readonly #alpha: number;
  readonly #grace: number;
  readonly #resume: number;
  #smoothed = 1;
  #frames = 0;
  #good = 0;
  #rejectedOnce = false;
  readonly #v: GateVerdict = { accepted: false, reason: null, detail: null, motion: 0, appearance: 0, confidence: 0, usable: false };

  constructor(o: GateOptions = {}) {
    this.#minConf = o.minConfidence ?? 0.45;
    this.#minApp = o.minAppearance ?? 0.7;
    this.#maxJump = o.maxJump ?? 0.6;
    this.#maxScale = o.maxScaleChange ?? 0.5;
    this.#alpha = o.alpha ?? 0.7;
    this.#grace = o.graceFrames ?? 10;
    this.#resume = o.goodFramesToResume ?? 3;
  }

  get confidence(): number {
    return this.#smoothed;
  }

  reset(): void {
    this.#smoothed = 1;
    this.#frames = 0;
    this.#good = 0;
    this.#rejectedOnce = false;
  }

  /** A frame with no usable measurement (tracker returned nothing, or the box is invalid). */
  fail(reason: LossReason, detail: RejectDetail): GateVerdict {
    this.#frames++;
    this.#good = 0;
    this.#rejectedOnce = true;
    this.#smoothed = this.#alpha * 0 + (1 - this.#alpha) * this.#smoothed;
    const v = this.#v;
    v.accepted = false; v.reason = reason; v.detail = detail; v.motion = 0; v.appearance = 0;
    v.confidence = this.#smoothed; v.usable = false;
    return v;
  }

  /**
   * Judges a measurement: `displacement` from the prediction (px), `diagonal`
   * of the frame, `scale` = linear size relative to the last accepted box.
   */
  judge(displacement: number, diagonal: number, appearance: number, scale: number): GateVerdict {
    this.#frames++;
    const motion = Math.max(0, 1 - displacement / (0.25 * diagonal));
    const raw = 0.5 * motion + 0.5 * appearance;
    this.#smoothed = this.#frames === 1 ? raw : this.#alpha * raw + (1 - this.#alpha) * this.#smoothed;
    let reason: LossReason | null = null;
    let detail: RejectDetail = null;
    if (this.#frames > this.#grace) {
      if (displacement > this.#maxJump * diagonal) { reason = 'tracker_failed'; detail = 'jump'; }
      else if (Math.abs(scale - 1) > this.#maxScale) { reason = 'tracker_failed'; detail = 'scale_change'; }
      else if (appearance < this.#minApp) { reason = 'appearance_mismatch'; detail = 'appearance'; }
      else if (this.#smoothed < this.#minConf) { reason = 'low_confidence'; detail = 'confidence'; }
    }
    const v = this.#v;
    v.accepted = reason === null;
    v.reason = reason;
    v.detail = detail;
    v.motion = motion;
    v.appearance = appearance;
    v.confidence = this.#smoothed;
    if (v.accepted) {
      this.#good++;
    } else {
      this.#good = 0;
      this.#rejectedOnce = true;
    }
    v.usable = v.accepted && (!this.#rejectedOnce || this.#good >= this.#resume);
    return v;
  }
}
