// The first AppController: the command state machine without real
// trackers or a follower (they come with a later issue). It never invents
// data: a commanded box is reported as commanded and not tracked, with no
// confidence, motion or velocity; the follower publishes no setpoints.

import { SkyfeedError } from '../errors.js';
import type { AppController, ControllerFlags, OffboardReport, OffboardState } from './controller.js';
import { centerOf, normalizedBox, toPixelBox, toPixelPoint, type FrameSize, type PixelBox } from './geometry.js';
import { findByName, followerProfiles, trackerTypes } from './catalog.js';
import type { OsdState } from '../encode/osd/osd-state.js';

export interface ControllerDeps {
  /** The running frame size. */
  frame(): FrameSize;
  /** True once the source delivered a frame; commands are refused before. */
  hasFrame(): boolean;
  initialTracker?: string;
  initialProfile?: string;
}

const NO_FLIGHT_LINK = 'no flight-controller link in this build: the follower publishes no setpoints and nothing is sent to a vehicle';

export class BuiltinController implements AppController {
  /** Mutated in place so /status reads it without copying. */
  readonly flags: ControllerFlags = { tracking_started: false, smart_mode_active: false, following_active: false, segmentation_active: false };
  readonly #deps: ControllerDeps;
  #tracker: string;
  #profile: string;
  /** The box the operator commanded, in pixels, and when. */
  #commanded: { box: PixelBox; at: number } | null = null;
  #followingSince = 0;

  constructor(deps: ControllerDeps) {
    this.#deps = deps;
    this.#tracker = deps.initialTracker ?? trackerTypes[0].name;
    this.#profile = deps.initialProfile ?? followerProfiles[0].name;
  }

  #requireFrame(): void {
    if (!this.#deps.hasFrame()) throw new SkyfeedError('SKYFEED_ERR_NO_VIDEO_FRAME', 'No video frame received yet; commands are accepted once the video source delivers frames');
  }

  trackerData(): Record<string, unknown> {
    const c = this.#commanded;
    if (!this.flags.tracking_started || !c) return {};
    const frame = this.#deps.frame();
    const box = c.box;
    const center = centerOf(box, frame);
    const bbox: [number, number, number, number] = [Math.round(box.x), Math.round(box.y), Math.round(box.width), Math.round(box.height)];
    return {
      bounding_box: bbox,
      center,
      timestamp: new Date().toISOString(),
      tracker_started: true,
      tracker_data: {
        data_type: 'POSITION_2D',
        tracker_id: this.#tracker,
        // No tracker runs yet: the box is where the operator put it, not where the target is.
        tracking_active: false,
        confidence: null,
        timestamp: c.at / 1000,
        position_2d: center,
        bbox_pixel: bbox,
        normalized_bbox: normalizedBox(box, frame),
      },
      box_source: 'commanded',
      message: `Box as commanded; no ${this.#tracker} tracker runs in this build, so it does not follow the target`,
    };
  }

  followerData(): Record<string, unknown> {
    if (!this.flags.following_active) return {};
    const p = findByName(followerProfiles, this.#profile)!;
    return {
      // No follower computes setpoints yet; an empty map rather than made-up values.
      fields: {},
      profile_name: p.name,
      control_type: p.control_type,
      timestamp: Date.now() / 1000,
      following_active: true,
      is_offboard: false,
      flight_mode: null,
      following_since: this.#followingSince / 1000,
      message: NO_FLIGHT_LINK,
    };
  }

  osdState(captureMs: number): OsdState {
    // No tracker runs in this build: the commanded box is not a tracked
    // target, so no box is drawn (and the status says TRK OFF).
    return {
      track: null, following: this.flags.following_active, followerProfile: this.flags.following_active ? this.#profile : '',
      timeS: captureMs / 1000,
    };
  }

  startTracking(box: PixelBox): { status: string; bbox: PixelBox } {
    this.#requireFrame();
    const px = toPixelBox(box, this.#deps.frame());
    this.#commanded = { box: px, at: Date.now() };
    this.flags.tracking_started = true;
    return { status: 'Tracking started', bbox: px };
  }

  stopTracking(): { status: string } {
    this.#requireFrame();
    this.flags.tracking_started = false;
    this.#commanded = null;
    return { status: 'Tracking stopped' };
  }

  toggleSmartMode(): { status: string; smart_mode_active: boolean } {
    this.#requireFrame();
    const on = !this.flags.smart_mode_active;
    this.flags.smart_mode_active = on;
    // The detector takes over: the manual box is dropped.
    if (on) {
      this.flags.tracking_started = false;
      this.#commanded = null;
    }
    return { status: on ? 'Smart mode enabled' : 'Smart mode disabled', smart_mode_active: on };
  }

  smartClick(x: number, y: number): Record<string, unknown> {
    this.#requireFrame();
    if (!this.flags.smart_mode_active) throw new SkyfeedError('SKYFEED_ERR_SMART_MODE_OFF', 'Smart mode is not active; enable it with /commands/toggle_smart_mode');
    const p = toPixelPoint(x, y, this.#deps.frame());
    return {
      status: 'Click processed', x, y, pixel: p,
      message: 'Click recorded; no detector runs in this build, so no target is selected',
    };
  }

  #state(): OffboardState {
    const f = this.flags;
    return { following_active: f.following_active, tracking_started: f.tracking_started, smart_mode_active: f.smart_mode_active, profile_name: this.#profile };
  }

  async startOffboard(): Promise<OffboardReport> {
    this.#requireFrame();
    const t0 = performance.now();
    const initial = this.#state();
    const steps: string[] = [];
    if (this.flags.following_active) {
      this.flags.following_active = false;
      steps.push(`Stopped the active follower (${this.#profile}) before starting again`);
    }
    const p = findByName(followerProfiles, this.#profile)!;
    steps.push(`Follower created with profile ${p.name} (${p.control_type})`);
    this.flags.following_active = true;
    this.#followingSince = Date.now();
    steps.push('Following active');
    return this.#report(steps, [], [NO_FLIGHT_LINK], initial, t0);
  }

  async stopOffboard(): Promise<OffboardReport> {
    this.#requireFrame();
    const t0 = performance.now();
    const initial = this.#state();
    const wasActive = this.flags.following_active;
    const steps: string[] = [];
    if (wasActive) {
      this.flags.following_active = false;
      steps.push(`Follower stopped (${this.#profile})`);
    } else {
      steps.push('Following was not active; nothing to stop');
    }
    return { ...this.#report(steps, [], [], initial, t0), was_active: wasActive };
  }

  #report(steps: string[], errors: string[], warnings: string[], initial: OffboardState, t0: number): OffboardReport {
    return {
      status: errors.length ? 'failure' : 'success',
      details: {
        steps, errors, warnings, initial_state: initial, final_state: this.#state(),
        execution_time_ms: Math.round((performance.now() - t0) * 1000) / 1000,
      },
    };
  }

  trackerSchema() {
    return {
      current_tracker: this.#tracker,
      available_trackers: trackerTypes,
      smart_tracker: { toggled_by: '/commands/toggle_smart_mode', active: this.flags.smart_mode_active },
      implemented: false,
      message: 'The selection is recorded; tracker implementations arrive in a later release',
      timestamp: Date.now() / 1000,
    };
  }

  switchTracker(name: string): Record<string, unknown> {
    const t = findByName(trackerTypes, name);
    if (!t) throw new SkyfeedError('SKYFEED_ERR_UNKNOWN_TRACKER', `Unknown tracker type ${JSON.stringify(name)}; valid: ${trackerTypes.map((x) => x.name).join(', ')}`);
    if (this.flags.following_active) throw new SkyfeedError('SKYFEED_ERR_FOLLOWING_ACTIVE', 'Cannot switch tracker while following is active; stop offboard mode first');
    const old = this.#tracker;
    this.#tracker = t.name;
    return {
      status: 'success', action: 'tracker_switched', old_tracker: old, new_tracker: t.name,
      message: old === t.name ? `Tracker already ${t.name}` : `Tracker switched from ${old} to ${t.name}`,
      // A running track must be restarted for the new tracker to take it over.
      requires_restart: this.flags.tracking_started,
    };
  }

  followerProfiles() {
    return { current_profile: this.#profile, profiles: followerProfiles, following_active: this.flags.following_active, timestamp: Date.now() / 1000 };
  }

  switchProfile(name: string): Record<string, unknown> {
    const p = findByName(followerProfiles, name);
    if (!p) throw new SkyfeedError('SKYFEED_ERR_UNKNOWN_PROFILE', `Unknown follower profile ${JSON.stringify(name)}; valid: ${followerProfiles.map((x) => x.name).join(', ')}`);
    const old = this.#profile;
    this.#profile = p.name;
    if (this.flags.following_active) this.#followingSince = Date.now();
    return {
      status: 'success', action: 'profile_switched', old_profile: old, new_profile: p.name,
      message: old === p.name ? `Profile already ${p.name}` : `Follower profile switched from ${old} to ${p.name}`,
    };
  }
}
