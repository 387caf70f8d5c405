// The boundary the HTTP routes call. Routes never touch engine state
// directly; a later controller with real trackers and a follower implements
// the same interface. Methods throw SkyfeedError for refusals (no frame yet,
// smart mode off, following active, unknown names, bad geometry).

import type { PixelBox } from './geometry.js';
import type { FollowerProfile, TrackerType } from './catalog.js';
import type { OsdState } from '../encode/osd/osd-state.js';
import type { OffboardReport as VehicleOffboardReport, OffboardStateSnapshot, ProfileInfo } from '../vehicle/index.js';

export interface ControllerFlags {
  tracking_started: boolean;
  smart_mode_active: boolean;
  following_active: boolean;
  /** No segmentation model exists in skyfeed; always false. */
  segmentation_active: boolean;
}

/** State captured before and after an offboard transition. */
export interface OffboardState {
  following_active: boolean;
  tracking_started: boolean;
  smart_mode_active: boolean;
  profile_name: string;
}

/** The contract's report; the states are the controller's flags without a vehicle link, the vehicle's with one. */
export type OffboardReport = VehicleOffboardReport<OffboardState | OffboardStateSnapshot>;

export interface AppController {
  /** Live flags; read by /status on every request, so no allocation. */
  readonly flags: Readonly<ControllerFlags>;

  /** Tracker telemetry in the contract's field names, or {} when nothing is tracked. */
  trackerData(): Record<string, unknown>;
  /** Follower telemetry in the contract's field names, or {} when no follower exists. */
  followerData(): Record<string, unknown>;
  /**
   * What the OSD shows on the frame captured at `captureMs` (epoch ms): the
   * tracker's box and state as the tracker knows them, following, profile.
   * Called once per encoded frame; return a fresh object (an encode reads it later).
   */
  osdState?(captureMs: number): OsdState | null;

  /** `box` is as sent by the client (normalized or pixels). */
  /** Asynchronous when a real tracker starts (it answers with its first output). */
  startTracking(box: PixelBox): { status: string; bbox: PixelBox } | Promise<Record<string, unknown>>;
  stopTracking(): { status: string };
  toggleSmartMode(): { status: string; smart_mode_active: boolean } | Promise<Record<string, unknown>>;
  /** `frameId`: the frame the operator clicked on, used while the ring still holds it. */
  smartClick(x: number, y: number, frameId?: number): Record<string, unknown> | Promise<Record<string, unknown>>;
  startOffboard(): Promise<OffboardReport>;
  stopOffboard(): Promise<OffboardReport>;

  trackerSchema(): { current_tracker: string; available_trackers: readonly TrackerType[]; [k: string]: unknown };
  switchTracker(name: string): Record<string, unknown>;
  followerProfiles(): { current_profile: string; profiles: readonly (FollowerProfile | ProfileInfo)[]; [k: string]: unknown };
  switchProfile(name: string): Record<string, unknown>;
}
