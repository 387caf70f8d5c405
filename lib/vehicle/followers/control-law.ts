// The profile-specific part of a follower: how an image error becomes a
// setpoint, and what the profile does on its own while the target is lost.
// Everything common (input validation, loss timeline, smoothing, ramps,
// limits, telemetry) lives in Follower, so a law stays a few lines.

import type { Setpoint, SetpointKind } from '../setpoint.js';
import type { VehicleState } from '../vehicle-state.js';
import type { Limits } from './limits.js';

/** The target's estimated ground velocity in the body frame (TargetMotion), for laws that feed it forward. */
export interface TargetVelocity {
  readonly fwd: number;
  readonly right: number;
}

export interface ControlLaw {
  readonly name: string;
  readonly kind: SetpointKind;
  /** Settings that bound the law's own PIDs (the effective limits of its profile). */
  readonly limits: Limits;
  /** A profile-specific reason to treat a valid sample as lost (chase: low confidence), or null. */
  rejects(x: number, y: number, confidence: number): string | null;
  /**
   * Tracking: error = target − aim point in normalized image units (+x right,
   * +y down); writes the raw command into `out` (limits are applied after).
   */
  track(ex: number, ey: number, vehicle: VehicleState, dtS: number, out: Setpoint, motion?: TargetVelocity | null): void;
  /**
   * Lost and holding phases: writes the profile's own behaviour into `out`
   * and returns true, or returns false when it has none (left): the follower
   * then sends the neutral setpoint (zero velocity, or zero rates at hover
   * thrust).
   */
  coast(vehicle: VehicleState, dtS: number, out: Setpoint): boolean;
  /** Forget integrators and ramps (new follow session). */
  reset(): void;
}
