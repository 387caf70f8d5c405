// What the OSD shows for one frame, as plain data: it crosses from the main
// thread to the encode workers inside each EncodeTask (structured clone), so
// no class instances and no functions. The tracker's output (lib/vision's
// TrackerOutput) fits OsdTrack structurally; this floor may not import it.

export type OsdPreset = 'minimal' | 'professional' | 'debug';
export const OSD_PRESETS: readonly OsdPreset[] = ['minimal', 'professional', 'debug'];

export type OsdTargetState = 'inactive' | 'prediction_only' | 'measured';

/** The tracker fields the OSD reads. Boxes are pixels [x, y, w, h]. */
export interface OsdTrack {
  bbox: readonly [number, number, number, number] | null;
  /** Kalman estimate of the box (debug preset). */
  predicted_bbox: readonly [number, number, number, number] | null;
  target_state: OsdTargetState;
  tracker_id: string;
  /** px/s (debug preset draws where the target will be in 0.25 s). */
  velocity: { readonly vx: number; readonly vy: number; readonly magnitude?: number } | null;
  confidence: number;
  appearance_score: number;
  motion_score: number;
  loss_reason: string | null;
  frames_lost: number;
  frame_id: number;
  usable_for_following: boolean;
}

export interface OsdDetection {
  bbox: readonly number[];
  class_name: string;
  score: number;
  target_id?: number;
  is_selected?: boolean;
}

export interface OsdState {
  track: OsdTrack | null;
  following: boolean;
  /** Follower profile shown in the status line (empty: none). */
  followerProfile?: string;
  /** Capture time to show, seconds since the epoch (UTC). */
  timeS: number;
  detections?: readonly OsdDetection[];
  /** Shown by the debug preset. */
  fps?: number;
  /** The vehicle link for the telemetry line (professional and debug presets); absent without a vehicle. */
  vehicle?: OsdVehicle;
}

export interface OsdVehicle {
  connected: boolean;
  /** Flight mode text (PX4 names: OFFBOARD, AUTO.LOITER, ...). */
  mode: string;
  armed: boolean;
  /** Altitude above home, metres, or null before telemetry. */
  alt_m: number | null;
}

/** One frame's OSD as an encoder receives it: the preset to draw with and the state. */
export interface OsdFrame {
  preset: OsdPreset;
  state: OsdState;
}

/**
 * Where an encoder gets the OSD from; asked once per dispatched frame, on
 * the main thread, so both calls must be cheap.
 */
export interface OsdSource {
  /**
   * What to show on the frame captured at `captureMs` (epoch ms): the
   * tracker's state, or null when nothing is known. Return a fresh object,
   * or one never changed afterwards: an encode may read it later.
   */
  state(captureMs: number): OsdState | null;
  /** The preset to draw with, or null when the OSD is off (the state still labels the frame for viewers). */
  preset(): OsdPreset | null;
}
