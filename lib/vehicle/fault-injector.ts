// Fault injection for tests and operators' drills, refused unless
// sim.fault_injection is true: drop the link (the simulated vehicle goes
// silent and deaf), freeze the video (the offboard side sees no live video;
// the camera owner can ask videoFrozen() to hold its frame), corrupt the
// tracker output (NaN, absurd coordinates, impossible confidence, in turn).
// Each must end in the follower's loss policy or the link-loss stop.

import type { TrackerSample } from './followers/tracker-sample.js';
import { VehicleError } from './vehicle-error.js';

export type FaultKind = 'drop_link' | 'freeze_video' | 'corrupt_tracker';

export interface FaultEvent {
  /** Seconds since the epoch. */
  timestamp: number;
  kind: FaultKind;
  seconds: number;
}

export interface FaultState {
  enabled: boolean;
  video_frozen_s: number;
  tracker_corrupt_s: number;
  injected: Record<FaultKind, number>;
}

/** Longest fault accepted, s: a drill, not a way to switch a feature off. */
export const MAX_FAULT_S = 600;

export class FaultInjector {
  readonly enabled: boolean;
  /** Drops the link; null when the connection cannot (a real vehicle). */
  readonly #dropLink: ((seconds: number) => Promise<void>) | null;
  readonly #onFault: (e: FaultEvent) => void;
  /** performance.now() until which video is frozen / tracker output corrupted. */
  #videoUntil = -Infinity;
  #trackerUntil = -Infinity;
  /** Which corruption comes next (they rotate). */
  #nextCorruption = 0;
  /** Faults injected so far, by kind (status). */
  readonly #injected: Record<FaultKind, number> = { drop_link: 0, freeze_video: 0, corrupt_tracker: 0 };

  constructor(enabled: boolean, dropLink: ((seconds: number) => Promise<void>) | null, onFault: (e: FaultEvent) => void = () => {}) {
    this.enabled = enabled;
    this.#dropLink = dropLink;
    this.#onFault = onFault;
  }

  #check(kind: FaultKind, seconds: number): void {
    if (!this.enabled) throw new VehicleError('SKYFEED_ERR_FAULT_INJECTION_DISABLED', 'Fault injection is disabled; set sim.fault_injection: true in the config file');
    if (!(typeof seconds === 'number' && seconds > 0 && seconds <= MAX_FAULT_S)) {
      throw new VehicleError('SKYFEED_ERR_VEHICLE_CONFIG', `${kind}: seconds must be within (0, ${MAX_FAULT_S}], got ${String(seconds)}`);
    }
    this.#injected[kind]++;
    this.#onFault({ timestamp: Date.now() / 1000, kind, seconds });
  }

  async dropLink(seconds: number): Promise<void> {
    if (this.enabled && !this.#dropLink) {
      throw new VehicleError('SKYFEED_ERR_LINK_UNAVAILABLE', 'drop_link works with the simulated vehicle only (vehicle.connection: sim)');
    }
    this.#check('drop_link', seconds);
    await this.#dropLink!(seconds);
  }

  freezeVideo(seconds: number): void {
    this.#check('freeze_video', seconds);
    this.#videoUntil = performance.now() + seconds * 1000;
  }

  corruptTracker(seconds: number): void {
    this.#check('corrupt_tracker', seconds);
    this.#trackerUntil = performance.now() + seconds * 1000;
  }

  videoFrozen(nowMs = performance.now()): boolean {
    return nowMs < this.#videoUntil;
  }

  /** The sample as the follower should see it: corrupted while that fault runs. */
  apply(sample: TrackerSample | null, nowMs = performance.now()): TrackerSample | null {
    if (sample === null || nowMs >= this.#trackerUntil) return sample;
    const k = this.#nextCorruption++ % 3;
    if (k === 0) return { ...sample, position_2d: [Number.NaN, Number.NaN] };
    if (k === 1) return { ...sample, position_2d: [37, -12] };
    return { ...sample, confidence: 3 };
  }

  state(nowMs = performance.now()): FaultState {
    return {
      enabled: this.enabled,
      video_frozen_s: Math.max(0, Math.round(this.#videoUntil - nowMs) / 1000),
      tracker_corrupt_s: Math.max(0, Math.round(this.#trackerUntil - nowMs) / 1000),
      injected: { ...this.#injected },
    };
  }
}
