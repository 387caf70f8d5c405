// What a tracking session reports per processed frame, with the original's
// field names (control-spec.md "Tracker output", api-contract.md
// tracker_data) plus frame_id and the loss details. Coordinates: `bbox` in
// pixels [x, y, w, h]; `position_2d` and `normalized_bbox` in the
// normalised space (frame centre 0,0, range −1..1, y down; w/h as fractions).

export type DataType = 'POSITION_2D' | 'BBOX_CONFIDENCE' | 'VELOCITY_AWARE';
export type TargetState = 'inactive' | 'prediction_only' | 'measured';
export type LossReason = 'tracker_failed' | 'low_confidence' | 'left_frame' | 'invalid_bbox' | 'appearance_mismatch';
export type ExitEdge = 'left' | 'right' | 'top' | 'bottom';
/** Why a frame was rejected beyond the loss reason (a jump or a scale change are "tracker_failed"). */
export type RejectDetail = 'no_measurement' | 'invalid_box' | 'outside_frame' | 'jump' | 'scale_change' | 'appearance' | 'confidence' | null;
export type MeasurementSource = 'tracker' | 'prediction' | 'redetection' | 'none';
export type Box4 = [number, number, number, number];

export interface Velocity {
  vx: number;
  vy: number;
  magnitude: number;
}

export interface TrackerOutput {
  data_type: DataType;
  /** Capture time of the frame, seconds since the epoch. */
  timestamp: number;
  frame_id: number;
  /** True only while the frame's output is a measurement. */
  tracking_active: boolean;
  tracker_id: string;
  position_2d: [number, number] | null;
  bbox: Box4 | null;
  normalized_bbox: Box4 | null;
  /** Smoothed confidence 0..1. */
  confidence: number;
  /** Kalman velocity, px/s. */
  velocity: Velocity | null;
  measurement_source: MeasurementSource;
  prediction_only: boolean;
  /** No measurement for longer than the prediction limit (1 s), or nothing tracked. */
  data_is_stale: boolean;
  target_state: TargetState;
  last_measurement_timestamp: number | null;
  /** Kalman estimate of the box for this frame. */
  predicted_bbox: Box4 | null;
  usable_for_following: boolean;
  // Loss details (null while measured).
  loss_reason: LossReason | null;
  reject_detail: RejectDetail;
  last_seen_bbox: Box4 | null;
  frames_lost: number;
  confidence_at_loss: number | null;
  exit_edge: ExitEdge | null;
  /** Raw scores of this frame (0..1), for the OSD's debug preset and for tuning. */
  motion_score: number;
  appearance_score: number;
}

/** A fresh output object; the session reuses one and rewrites it each frame. */
export function emptyOutput(trackerId: string): TrackerOutput {
  return {
    data_type: 'POSITION_2D', timestamp: 0, frame_id: -1, tracking_active: false, tracker_id: trackerId,
    position_2d: null, bbox: null, normalized_bbox: null, confidence: 0, velocity: null,
    measurement_source: 'none', prediction_only: false, data_is_stale: true, target_state: 'inactive',
    last_measurement_timestamp: null, predicted_bbox: null, usable_for_following: false,
    loss_reason: null, reject_detail: null, last_seen_bbox: null, frames_lost: 0, confidence_at_loss: null, exit_edge: null,
    motion_score: 0, appearance_score: 0,
  };
}

/** Deep copy (for keeping an output beyond the next frame, e.g. in a history). */
export function copyOutput(o: TrackerOutput): TrackerOutput {
  const box = (b: Box4 | null): Box4 | null => (b ? [b[0], b[1], b[2], b[3]] : null);
  return {
    ...o,
    position_2d: o.position_2d ? [o.position_2d[0], o.position_2d[1]] : null,
    bbox: box(o.bbox), normalized_bbox: box(o.normalized_bbox), predicted_bbox: box(o.predicted_bbox),
    last_seen_bbox: box(o.last_seen_bbox), velocity: o.velocity ? { ...o.velocity } : null,
  };
}

/** Normalised centre of a pixel box: ((cx − W/2)/(W/2), (cy − H/2)/(H/2)). */
export function normalizedCenter(b: Box4, width: number, height: number, out: [number, number]): [number, number] {
  out[0] = (b[0] + b[2] / 2 - width / 2) / (width / 2);
  out[1] = (b[1] + b[3] / 2 - height / 2) / (height / 2);
  return out;
}

/** Normalised box: top-left corner in the normalised space, size as fractions of the frame. */
export function normalizedBox(b: Box4, width: number, height: number, out: Box4): Box4 {
  out[0] = (b[0] - width / 2) / (width / 2);
  out[1] = (b[1] - height / 2) / (height / 2);
  out[2] = b[2] / width;
  out[3] = b[3] / height;
  return out;
}
