// One tracked target: a Tracker plus the spec's estimator, confidence,
// gating, loss bookkeeping and re-detection window (control-spec.md
// "Confidence, loss and re-detection"), producing the original's tracker
// output for every processed frame. Capture timestamps and frame ids are
// passed in, so a replay gives the same outputs.
//
// Per frame: predict (Kalman, to the frame's time) → tracker.update with the
// predicted box as search centre → gate → accept (Kalman update, measured)
// or reject (prediction only). While lost, up to 5 re-detection attempts
// ~0.83 s apart search ±300 px for the target's template; a match re-inits
// the tracker, and following resumes only after fresh measurements pass the
// gate (3 good frames). The window closes after 5 s: tracking stops.

import type { PixelBox, RgbFrame, Tracker } from './types.js';
import { checkBox, checkFrame } from './types.js';
import { KalmanCA } from './kalman-ca.js';
import { GateVerdict, TrackGate } from './track-gate.js';
import { Redetector } from './redetector.js';
import {
  Box4, ExitEdge, LossReason, RejectDetail, TrackerOutput, emptyOutput, normalizedBox, normalizedCenter,
} from './tracker-output.js';

export interface TrackingSessionOptions {
  /** Longest time the estimate runs on prediction alone, s (spec: 1). */
  maxPredictionS?: number;
  /** Recovery window after a loss, s (spec: 5). */
  recoveryWindowS?: number;
  /** Re-detection attempts in the window (spec: 5) and their spacing, s (spec: ~0.83). */
  redetectAttempts?: number;
  redetectIntervalS?: number;
  /** Margin for exit_edge, px (spec: 5). */
  edgeMarginPx?: number;
  /** Velocity above which output is VELOCITY_AWARE, px/s (spec: 0.001). */
  velocityAwareAbove?: number;
  /** How often the re-detection template follows the target's look while it is well tracked, s. */
  templateRefreshS?: number;
  /** Appearance from which a rejected measurement still steers the estimate, and its noise factor. */
  steerFrom?: number;
  steerNoise?: number;
}

/** Session lifecycle: idle (never started or stopped by the operator), tracking, or stopped after giving up. */
export type SessionState = 'idle' | 'tracking' | 'lost';

export interface SessionStatus {
  state: SessionState;
  tracking_started: boolean;
  /** Why the session gave up (state 'lost'): the loss reason that opened the window that expired. */
  stop_reason: LossReason | 'stopped' | null;
  redetect_attempts: number;
  redetections: number;
}

/** Appearance from which the re-detection template may be refreshed (the box surely shows the whole target). */
const TEMPLATE_REFRESH_APPEARANCE = 0.9;

export class TrackingSession {
  readonly tracker: Tracker;
  /** Options with defaults applied. */
  readonly #o: Required<TrackingSessionOptions>;
  /** Estimator (pixels), confidence/gating, re-detection by template. */
  readonly #kalman = new KalmanCA();
  readonly #gate = new TrackGate();
  readonly #redetector = new Redetector();
  /** The output object, rewritten per frame. */
  readonly #out: TrackerOutput;
  /** Lifecycle and why it ended. */
  #state: SessionState = 'idle';
  #stopReason: LossReason | 'stopped' | null = null;
  /** Frame size fixed at start. */
  #width = 0;
  #height = 0;
  /** Last accepted box (pixels) and its time. */
  readonly #last: Box4 = [0, 0, 0, 0];
  #lastT = 0;
  /** Time the estimate last took any input (an accepted measurement or steering). */
  #inputT = 0;
  /** Estimated box for the current frame. */
  readonly #pred: PixelBox = { x: 0, y: 0, w: 0, h: 0 };
  /** Loss bookkeeping: time the current loss began (NaN while measured), frames lost, attempts made. */
  #lossT = Number.NaN;
  #framesLost = 0;
  #attempts = 0;
  #redetections = 0;
  #lossReason: LossReason | null = null;
  #confidenceAtLoss: number | null = null;
  #exitEdge: ExitEdge | null = null;
  /** When the re-detection template was last refreshed. */
  #templateT = 0;
  /** Why this frame was rejected. */
  #detail: RejectDetail = null;
  /** A re-detection re-initialised the tracker this frame. */
  #redetected = false;
  // Output storage (reused).
  readonly #bbox: Box4 = [0, 0, 0, 0];
  readonly #nbox: Box4 = [0, 0, 0, 0];
  readonly #pbox: Box4 = [0, 0, 0, 0];
  readonly #seen: Box4 = [0, 0, 0, 0];
  readonly #pos: [number, number] = [0, 0];
  readonly #vel = { vx: 0, vy: 0, magnitude: 0 };

  constructor(tracker: Tracker, o: TrackingSessionOptions = {}) {
    this.tracker = tracker;
    this.#o = {
      maxPredictionS: o.maxPredictionS ?? 1,
      recoveryWindowS: o.recoveryWindowS ?? 5,
      redetectAttempts: o.redetectAttempts ?? 5,
      redetectIntervalS: o.redetectIntervalS ?? 5 / 6,
      edgeMarginPx: o.edgeMarginPx ?? 5,
      velocityAwareAbove: o.velocityAwareAbove ?? 0.001,
      templateRefreshS: o.templateRefreshS ?? 1,
      steerFrom: o.steerFrom ?? 0.15,
      steerNoise: o.steerNoise ?? 10,
    };
    this.#out = emptyOutput(tracker.name);
  }

  get status(): SessionStatus {
    return {
      state: this.#state,
      tracking_started: this.#state === 'tracking',
      stop_reason: this.#stopReason,
      redetect_attempts: this.#attempts,
      redetections: this.#redetections,
    };
  }

  /** Starts on `box` in `frame` (capture time `t`, s). Throws a TypeError/RangeError for a bad frame or box. */
  start(frame: RgbFrame, box: PixelBox, t: number, frameId: number): TrackerOutput {
    checkFrame(frame);
    checkBox(box, frame.width, frame.height);
    if (!Number.isFinite(t)) throw new TypeError(`timestamp must be a finite number, got ${t}`);
    this.tracker.init(frame, box);
    this.#width = frame.width;
    this.#height = frame.height;
    this.#kalman.init(box.x + box.w / 2, box.y + box.h / 2, t);
    this.#gate.reset();
    this.#setLast(box, t);
    this.#redetector.setTemplate(frame, box);
    this.#templateT = t;
    this.#clearLoss();
    this.#attempts = 0;
    this.#redetections = 0;
    this.#state = 'tracking';
    this.#stopReason = null;
    this.#emitMeasured(t, frameId, 1, 1, 1, true);
    this.#out.measurement_source = 'tracker';
    return this.#out;
  }

  /** Operator stop: output becomes inactive. */
  stop(): void {
    if (this.#state === 'tracking') this.#stopReason = 'stopped';
    this.#state = 'idle';
  }

  /**
   * Processes the next frame (capture time `t` in seconds, its frame id).
   * Returns the session's output object, rewritten by the next call (copy
   * it with copyOutput() to keep it).
   */
  process(frame: RgbFrame, t: number, frameId: number): TrackerOutput {
    if (!Number.isFinite(t)) throw new TypeError(`timestamp must be a finite number, got ${t}`);
    if (this.#state !== 'tracking') return this.#emitInactive(t, frameId);
    if (frame.width !== this.#width || frame.height !== this.#height) {
      throw new RangeError(`frame size changed from ${this.#width}x${this.#height} to ${frame.width}x${frame.height}; restart tracking`);
    }
    checkFrame(frame);
    const k = this.#kalman;
    // Prediction alone runs for at most maxPredictionS after the last measurement (or steering); then the estimate holds.
    const predicting = t - this.#inputT <= this.#o.maxPredictionS;
    if (predicting) k.predict(t);
    const pred = this.#pred;
    pred.w = this.#last[2];
    pred.h = this.#last[3];
    pred.x = k.x - pred.w / 2;
    pred.y = k.y - pred.h / 2;
    this.#redetected = false;
    const m = this.tracker.update(frame, pred);
    const diag = Math.hypot(this.#width, this.#height);
    let accepted = false;
    let usable = false;
    let motion = 0;
    if (m === null) {
      this.#reject(this.#gate.fail('tracker_failed', 'no_measurement'), t);
    } else if (!validBox(m.box, this.#width, this.#height)) {
      const b = m.box;
      const outside = Number.isFinite(b.x) && Number.isFinite(b.y) && Number.isFinite(b.w) && Number.isFinite(b.h) && b.w >= 1 && b.h >= 1;
      this.#reject(this.#gate.fail(outside ? 'left_frame' : 'invalid_bbox', outside ? 'outside_frame' : 'invalid_box'), t);
    } else {
      const cx = m.box.x + m.box.w / 2;
      const cy = m.box.y + m.box.h / 2;
      const disp = Math.hypot(cx - k.x, cy - k.y);
      const scale = Math.sqrt((m.box.w * m.box.h) / (this.#last[2] * this.#last[3]));
      const v = this.#gate.judge(disp, diag, clamp01(m.appearance), scale);
      if (v.accepted) {
        accepted = true;
        usable = v.usable;
        motion = v.motion;
        if (!predicting) k.init(cx, cy, t);
        else k.update(cx, cy);
        this.#setLast(m.box, t);
        this.#clearLoss();
        if (m.appearance >= TEMPLATE_REFRESH_APPEARANCE && t - this.#templateT >= this.#o.templateRefreshS) {
          this.#redetector.setTemplate(frame, m.box);
          this.#templateT = t;
        }
      } else {
        this.#reject(v, t);
        // A measurement rejected only for its look (a partly hidden target) still steers the estimate, weakly:
        // the output stays prediction-only and not usable, but the estimate does not coast away from the target.
        if ((v.reason === 'appearance_mismatch' || v.reason === 'low_confidence') && (v.appearance >= this.#o.steerFrom || m.anchored === true)) {
          if (predicting) k.update(cx, cy, this.#o.steerNoise);
          else k.init(cx, cy, t);
          this.#inputT = t;
        }
      }
    }
    if (accepted) {
      this.#emitMeasured(t, frameId, this.#gate.confidence, motion, clamp01(m!.appearance), usable);
      return this.#out;
    }
    this.#recover(frame, t);
    if (this.#state !== 'tracking') return this.#emitInactive(t, frameId);
    this.#emitPredicted(t, frameId, !predicting);
    return this.#out;
  }

  #setLast(b: PixelBox, t: number): void {
    this.#last[0] = b.x;
    this.#last[1] = b.y;
    this.#last[2] = b.w;
    this.#last[3] = b.h;
    this.#lastT = t;
    this.#inputT = t;
  }

  #clearLoss(): void {
    this.#lossT = Number.NaN;
    this.#framesLost = 0;
    this.#lossReason = null;
    this.#confidenceAtLoss = null;
    this.#exitEdge = null;
  }

  /** Records a rejected frame: the first of a loss fixes its reason, the confidence before it and the exit edge. */
  #reject(v: GateVerdict, t: number): void {
    this.#detail = v.detail;
    this.#framesLost++;
    if (Number.isNaN(this.#lossT)) {
      this.#lossT = t;
      this.#attempts = 0;
      this.#confidenceAtLoss = this.#out.confidence;
      this.#exitEdge = this.#edgeOf();
      // A target last seen at an edge and moving out of the frame has left it, whatever the tracker said.
      this.#lossReason = this.#exitEdge !== null ? 'left_frame' : v.reason ?? 'tracker_failed';
    }
    // Coast: constant velocity, the estimate kept within the frame (a target that left is reported by exit_edge).
    this.#kalman.coast(0, this.#width, 0, this.#height);
  }

  /** Edge the last seen box touches (within the margin) and the estimate is moving through, or null. */
  #edgeOf(): ExitEdge | null {
    const [x, y, w, h] = this.#last;
    const m = this.#o.edgeMarginPx;
    const vx = this.#kalman.vx;
    const vy = this.#kalman.vy;
    if (x <= m && vx <= 0) return 'left';
    if (x + w >= this.#width - m && vx >= 0) return 'right';
    if (y <= m && vy <= 0) return 'top';
    if (y + h >= this.#height - m && vy >= 0) return 'bottom';
    return null;
  }

  /** Re-detection attempts while lost; closes the window (state 'lost') when it expires. */
  #recover(frame: RgbFrame, t: number): void {
    const since = t - this.#lossT;
    if (since > this.#o.recoveryWindowS) {
      this.#state = 'lost';
      this.#stopReason = this.#lossReason;
      return;
    }
    const due = this.#attempts < this.#o.redetectAttempts && since >= (this.#attempts + 1) * this.#o.redetectIntervalS;
    if (!due) return;
    this.#attempts++;
    const r = this.#redetector.search(frame, this.#kalman.x, this.#kalman.y);
    if (!r.found) return;
    this.#redetections++;
    this.tracker.init(frame, r.box);
    // The estimate jumps to the match; following waits for fresh measurements through the gate.
    this.#kalman.init(r.box.x + r.box.w / 2, r.box.y + r.box.h / 2, t);
    this.#last[2] = r.box.w;
    this.#last[3] = r.box.h;
    this.#inputT = t;
    this.#redetected = true;
  }

  #fillCommon(t: number, frameId: number): void {
    const o = this.#out;
    o.timestamp = t;
    o.frame_id = frameId;
    o.tracker_id = this.tracker.name;
  }

  #fillVelocity(): number {
    const vx = this.#kalman.vx;
    const vy = this.#kalman.vy;
    this.#vel.vx = vx;
    this.#vel.vy = vy;
    this.#vel.magnitude = Math.hypot(vx, vy);
    this.#out.velocity = this.#vel;
    return this.#vel.magnitude;
  }

  #fillPredicted(): void {
    const p = this.#pred;
    this.#pbox[0] = p.x;
    this.#pbox[1] = p.y;
    this.#pbox[2] = p.w;
    this.#pbox[3] = p.h;
    this.#out.predicted_bbox = this.#pbox;
  }

  #emitMeasured(t: number, frameId: number, confidence: number, motion: number, appearance: number, usable: boolean): void {
    const o = this.#out;
    this.#fillCommon(t, frameId);
    const b = this.#bbox;
    b[0] = this.#last[0]; b[1] = this.#last[1]; b[2] = this.#last[2]; b[3] = this.#last[3];
    o.bbox = b;
    o.normalized_bbox = normalizedBox(b, this.#width, this.#height, this.#nbox);
    o.position_2d = normalizedCenter(b, this.#width, this.#height, this.#pos);
    o.tracking_active = true;
    o.confidence = confidence;
    const speed = this.#fillVelocity();
    o.data_type = speed > this.#o.velocityAwareAbove ? 'VELOCITY_AWARE' : 'BBOX_CONFIDENCE';
    o.measurement_source = 'tracker';
    o.prediction_only = false;
    o.data_is_stale = false;
    o.target_state = 'measured';
    o.last_measurement_timestamp = t;
    this.#fillPredicted();
    o.usable_for_following = usable;
    o.loss_reason = null;
    o.reject_detail = null;
    o.last_seen_bbox = null;
    o.frames_lost = 0;
    o.confidence_at_loss = null;
    o.exit_edge = null;
    o.motion_score = motion;
    o.appearance_score = appearance;
  }

  #emitPredicted(t: number, frameId: number, stale: boolean): void {
    const o = this.#out;
    this.#fillCommon(t, frameId);
    this.#fillPredicted();
    // The estimate is what viewers and the OSD draw (orange); the follower never acts on it.
    const b = this.#bbox;
    b[0] = this.#pbox[0]; b[1] = this.#pbox[1]; b[2] = this.#pbox[2]; b[3] = this.#pbox[3];
    o.bbox = b;
    o.normalized_bbox = normalizedBox(b, this.#width, this.#height, this.#nbox);
    o.position_2d = normalizedCenter(b, this.#width, this.#height, this.#pos);
    o.tracking_active = false;
    o.confidence = this.#gate.confidence;
    this.#fillVelocity();
    o.data_type = 'BBOX_CONFIDENCE';
    o.measurement_source = this.#redetected ? 'redetection' : 'prediction';
    o.prediction_only = true;
    o.data_is_stale = stale || t - this.#lastT > this.#o.maxPredictionS;
    o.target_state = 'prediction_only';
    o.last_measurement_timestamp = this.#lastT;
    o.usable_for_following = false;
    o.loss_reason = this.#lossReason;
    o.reject_detail = this.#redetected ? null : this.#detail;
    this.#seen[0] = this.#last[0]; this.#seen[1] = this.#last[1]; this.#seen[2] = this.#last[2]; this.#seen[3] = this.#last[3];
    o.last_seen_bbox = this.#seen;
    o.frames_lost = this.#framesLost;
    o.confidence_at_loss = this.#confidenceAtLoss;
    o.exit_edge = this.#exitEdge;
    o.motion_score = 0;
    o.appearance_score = 0;
  }

  #emitInactive(t: number, frameId: number): TrackerOutput {
    const o = this.#out;
    const keepLoss = this.#state === 'lost';
    this.#fillCommon(t, frameId);
    o.data_type = 'POSITION_2D';
    o.tracking_active = false;
    o.position_2d = null;
    o.bbox = null;
    o.normalized_bbox = null;
    o.confidence = 0;
    o.velocity = null;
    o.measurement_source = 'none';
    o.prediction_only = false;
    o.data_is_stale = true;
    o.target_state = 'inactive';
    o.predicted_bbox = null;
    o.usable_for_following = false;
    if (!keepLoss) {
      o.loss_reason = null;
      o.last_seen_bbox = null;
      o.frames_lost = 0;
      o.confidence_at_loss = null;
      o.exit_edge = null;
    }
    o.reject_detail = null;
    o.motion_score = 0;
    o.appearance_score = 0;
    return o;
  }
}

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : Number.isFinite(v) ? v : 0);

/** Finite, at least 1x1, and overlapping the frame. */
function validBox(b: PixelBox, w: number, h: number): boolean {
  if (!(Number.isFinite(b.x) && Number.isFinite(b.y) && Number.isFinite(b.w) && Number.isFinite(b.h))) return false;
  if (b.w < 1 || b.h < 1) return false;
  return b.x + b.w > 0 && b.y + b.h > 0 && b.x < w && b.y < h;
}
