// The AppController: the command state machine. With a VisionPort (the
// server always gives it one) start_tracking runs a real tracker in its
// thread and /telemetry/tracker_data reports its output; smart mode runs the
// detector thread and clicks select targets by the spec's rule. Without one
// (unit tests of the state machine), a commanded box is reported as
// commanded and not tracked. With a FlightPort (the server gives it one)
// offboard commands run the vehicle's offboard state machine and the
// follower telemetry is the real follower's; without one, following is a
// flag and no setpoint exists. It never invents data.

import { SkyfeedError } from '../errors.js';
import type { AppController, ControllerFlags, OffboardReport, OffboardState } from './controller.js';
import { centerOf, normalizedBox, toPixelBox, toPixelPoint, type FrameSize, type PixelBox } from './geometry.js';
import { findByName, followerProfiles, trackerTypes } from './catalog.js';
import type { VisionPort } from './vision-port.js';
import { copyOutput, type TrackerOutput } from '../vision/tracker-output.js';
import { findTracker, trackerCatalog, DEFAULT_TRACKER } from '../vision/tracker-catalog.js';
import type { OsdState, OsdVehicle } from '../encode/osd/osd-state.js';
import { VehicleError, type OffboardReport as VehicleOffboardReport, type ProfileInfo } from '../vehicle/index.js';

/** What the controller needs of the vehicle side (lib/app/flight-service.ts). */
export interface FlightPort {
  startOffboard(): Promise<VehicleOffboardReport>;
  stopOffboard(): Promise<VehicleOffboardReport>;
  readonly following: boolean;
  followerTelemetry(): Record<string, unknown>;
  profiles(): { current_profile: string; profiles: readonly ProfileInfo[]; following_active: boolean };
  switchProfile(name: string): Record<string, unknown>;
  /** Tracking ended (operator, smart mode, tracker gave up): the follower's loss timeline starts. */
  trackingStopped(): void;
  osdVehicle(): OsdVehicle;
}

export interface ControllerDeps {
  /** The running frame size. */
  frame(): FrameSize;
  /** True once the source delivered a frame; commands are refused before. */
  hasFrame(): boolean;
  initialTracker?: string;
  initialProfile?: string;
  /** Real trackers and the detector; absent: commanded boxes only. */
  vision?: VisionPort;
  /** The vehicle link, follower and offboard state machine; absent: following is a flag only. */
  flight?: FlightPort;
}

/** A refusal from the vehicle side as the HTTP layer knows refusals. */
function asSkyfeedError(err: unknown): unknown {
  return err instanceof VehicleError ? new SkyfeedError(err.code, err.message) : err;
}

const NO_FLIGHT_LINK = 'no flight-controller link (vehicle.connection: none): the follower publishes no setpoints and nothing is sent to a vehicle';

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
    this.#tracker = deps.initialTracker ?? (deps.vision ? DEFAULT_TRACKER : trackerTypes[0].name);
    this.#profile = deps.initialProfile ?? followerProfiles[0].name;
  }

  #requireFrame(): void {
    if (!this.#deps.hasFrame()) throw new SkyfeedError('SKYFEED_ERR_NO_VIDEO_FRAME', 'No video frame received yet; commands are accepted once the video source delivers frames');
  }

  /** The tracker gave up (re-detection window over) or its thread died: /status must say so at once. */
  trackerStopped(): void {
    this.flags.tracking_started = false;
    this.#deps.flight?.trackingStopped();
  }

  /** The offboard state machine changed phase (a command, or an automatic stop: loss action, link lost, vehicle left OFFBOARD). */
  followingChanged(): void {
    const f = this.#deps.flight;
    if (f) this.flags.following_active = f.following;
  }

  /** Clears tracking_started when the tracker gave up or its thread died (the output says why). */
  #syncTracking(): void {
    const v = this.#deps.vision;
    if (v && this.flags.tracking_started && !v.tracker.active && v.tracker.status && !v.tracker.status.tracking_started) {
      this.flags.tracking_started = false;
    }
  }

  trackerData(): Record<string, unknown> {
    const v = this.#deps.vision;
    if (v) return this.#visionTrackerData(v);
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

  #visionTrackerData(v: VisionPort): Record<string, unknown> {
    this.#syncTracking();
    const frame = this.#deps.frame();
    const out = v.tracker.latest;
    const status = v.tracker.status;
    const smart = this.flags.smart_mode_active ? v.detector.output(frame.width, frame.height) : null;
    // Nothing tracked (never started, or stopped by the operator): smart mode's table, or {}.
    if (!out || !status || status.state === 'idle') return smart ? { tracker_started: false, tracker_data: smart, timestamp: new Date().toISOString() } : {};
    const box = out.bbox;
    const data = trackerFields(out);
    return {
      bounding_box: box ? box.map(Math.round) : null,
      center: out.position_2d,
      timestamp: new Date(out.timestamp * 1000).toISOString(),
      tracker_started: status.tracking_started,
      has_output: out.target_state !== 'inactive',
      usable_for_following: out.usable_for_following,
      data_is_stale: out.data_is_stale,
      frame_id: out.frame_id,
      tracker_data: data,
      ...(smart ? { multi_target: smart } : {}),
      ...(status.tracking_started ? {} : {
        stop_reason: status.stop_reason,
        message: status.stop_reason === 'stopped' ? 'Tracking stopped by the operator'
          : `Tracking gave up: ${status.stop_reason}${v.tracker.lastError && status.stop_reason === 'tracker_failed' ? ` (${v.tracker.lastError})` : ''}`,
      }),
    };
  }

  followerData(): Record<string, unknown> {
    // The follower always computes (preview while not following), so it always reports.
    if (this.#deps.flight) return this.#deps.flight.followerTelemetry();
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
    // The tracker's output is the box drawn (a copy: the encode reads it
    // later); a commanded box alone is not a tracked target, so none is drawn.
    const v = this.#deps.vision;
    const out = v && this.flags.tracking_started ? v.tracker.latest : null;
    const frame = this.#deps.frame();
    const detections = v && this.flags.smart_mode_active
      ? v.detector.output(frame.width, frame.height).targets.map((x) => ({
        bbox: x.bbox, class_name: x.class_name, score: x.confidence, target_id: x.target_id, is_selected: x.is_selected,
      }))
      : undefined;
    return {
      track: out ? copyOutput(out) : null, following: this.flags.following_active,
      followerProfile: this.flags.following_active ? this.#currentProfile() : '', timeS: captureMs / 1000, detections,
      vehicle: this.#deps.flight?.osdVehicle(),
    };
  }

  startTracking(box: PixelBox): { status: string; bbox: PixelBox } | Promise<Record<string, unknown>> {
    this.#requireFrame();
    const px = toPixelBox(box, this.#deps.frame());
    const v = this.#deps.vision;
    if (v) return this.#startVision(v, px, 'command');
    this.#commanded = { box: px, at: Date.now() };
    this.flags.tracking_started = true;
    return { status: 'Tracking started', bbox: px };
  }

  async #startVision(v: VisionPort, px: PixelBox, how: 'command' | 'click', frameId?: number): Promise<Record<string, unknown>> {
    let out: TrackerOutput;
    try {
      out = await v.tracker.start({ x: px.x, y: px.y, w: px.width, h: px.height }, this.#tracker, frameId);
    } catch (err) {
      throw new SkyfeedError('SKYFEED_ERR_TRACKER_START_FAILED', `${this.#tracker} could not start: ${(err as Error).message}`);
    }
    this.flags.tracking_started = true;
    this.#commanded = { box: px, at: Date.now() };
    return { status: 'Tracking started', bbox: px, tracker: this.#tracker, frame_id: out.frame_id, started_by: how };
  }

  stopTracking(): { status: string } {
    this.#requireFrame();
    this.#deps.vision?.tracker.stop();
    this.#deps.vision?.detector.clearSelection();
    this.flags.tracking_started = false;
    this.#commanded = null;
    this.#deps.flight?.trackingStopped();
    return { status: 'Tracking stopped' };
  }

  toggleSmartMode(): { status: string; smart_mode_active: boolean } | Promise<Record<string, unknown>> {
    this.#requireFrame();
    const on = !this.flags.smart_mode_active;
    this.flags.smart_mode_active = on;
    // The detector takes over: the manual box is dropped.
    if (on) {
      this.flags.tracking_started = false;
      this.#commanded = null;
      this.#deps.vision?.tracker.stop();
      this.#deps.flight?.trackingStopped();
    }
    const v = this.#deps.vision;
    if (!v) return { status: on ? 'Smart mode enabled' : 'Smart mode disabled', smart_mode_active: on };
    if (!on) {
      v.detector.disable();
      return { status: 'Smart mode disabled', smart_mode_active: false };
    }
    return v.detector.enable().then((info) => ({
      status: 'Smart mode enabled', smart_mode_active: true, detector: info.detector,
      ...(info.onnx && !info.onnx.available ? { warning: `ONNX model not used: ${info.onnx.why}; the built-in contrast detector runs` } : {}),
    }), (err: Error) => {
      this.flags.smart_mode_active = false;
      return { status: 'Smart mode disabled', smart_mode_active: false, error: `the detector thread did not start: ${err.message}` };
    });
  }

  smartClick(x: number, y: number, frameId?: number): Record<string, unknown> | Promise<Record<string, unknown>> {
    this.#requireFrame();
    if (!this.flags.smart_mode_active) throw new SkyfeedError('SKYFEED_ERR_SMART_MODE_OFF', 'Smart mode is not active; enable it with /commands/toggle_smart_mode');
    const p = toPixelPoint(x, y, this.#deps.frame());
    const v = this.#deps.vision;
    if (!v) {
      return {
        status: 'Click processed', x, y, pixel: p,
        message: 'Click recorded; no detector runs in this build, so no target is selected',
      };
    }
    return this.#clickVision(v, x, y, p, frameId);
  }

  async #clickVision(v: VisionPort, x: number, y: number, p: { x: number; y: number }, frameId?: number): Promise<Record<string, unknown>> {
    const a = await v.detector.click(p.x, p.y, this.flags.following_active, frameId);
    const base = { status: 'Click processed', x, y, pixel: p, frame_id: a.frameId, click_ms: Math.round(a.ms * 1000) / 1000 };
    if (!a.selection) return { ...base, selected: false, message: `No selection: ${a.reason}` };
    if (a.selection.status === 'refused') {
      return { ...base, selected: false, reason: a.selection.reason, candidates: a.selection.candidates, message: a.selection.message };
    }
    const d = a.selection.detection;
    const px = { x: d.bbox[0], y: d.bbox[1], width: d.bbox[2], height: d.bbox[3] };
    // The tracker starts on the frame the selection was made on, where the box is right.
    const started = await this.#startVision(v, px, 'click', a.frameId);
    v.detector.select(d.bbox);
    return {
      ...base, selected: true, rule: a.selection.rule, tentative: a.selection.tentative,
      target: { bbox: d.bbox, class_id: d.class_id, class_name: d.class_name, confidence: d.score },
      tracking: started, message: `Selected ${d.class_name} (${a.selection.rule}); tracking started`,
    };
  }

  #currentProfile(): string {
    return this.#deps.flight?.profiles().current_profile ?? this.#profile;
  }

  #state(): OffboardState {
    const f = this.flags;
    return { following_active: f.following_active, tracking_started: f.tracking_started, smart_mode_active: f.smart_mode_active, profile_name: this.#profile };
  }

  async startOffboard(): Promise<OffboardReport> {
    this.#requireFrame();
    const flight = this.#deps.flight;
    if (flight) {
      try {
        return await flight.startOffboard();
      } finally {
        this.followingChanged();
      }
    }
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
    const flight = this.#deps.flight;
    // A vehicle in OFFBOARD is stopped whatever the video does (a live fps
    // change replaces the source: no frame until the new one delivers).
    if (!flight?.following) this.#requireFrame();
    if (flight) {
      try {
        return await flight.stopOffboard();
      } finally {
        this.followingChanged();
      }
    }
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
    const v = this.#deps.vision;
    if (v) {
      return {
        current_tracker: this.#tracker,
        available_trackers: trackerCatalog(),
        smart_tracker: {
          toggled_by: '/commands/toggle_smart_mode', active: this.flags.smart_mode_active,
          detector: v.detector.info?.detector ?? 'contrast (starts with smart mode)',
          onnx: v.detector.info?.onnx ?? null,
        },
        implemented: true,
        timestamp: Date.now() / 1000,
      };
    }
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
    const t = this.#deps.vision ? findTracker(name) : findByName(trackerTypes, name);
    if (!t) throw new SkyfeedError('SKYFEED_ERR_UNKNOWN_TRACKER', `Unknown tracker type ${JSON.stringify(name)}; valid: ${(this.#deps.vision ? trackerCatalog() : trackerTypes).map((x) => x.name).join(', ')}`);
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
    const flight = this.#deps.flight;
    if (flight) return { ...flight.profiles(), timestamp: Date.now() / 1000 };
    return { current_profile: this.#profile, profiles: followerProfiles, following_active: this.flags.following_active, timestamp: Date.now() / 1000 };
  }

  switchProfile(name: string): Record<string, unknown> {
    const flight = this.#deps.flight;
    if (flight) {
      try {
        return flight.switchProfile(name);
      } catch (err) {
        throw asSkyfeedError(err);
      }
    }
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

/** The tracker's output under the contract's names (bbox_pixel is the original's name for bbox). */
function trackerFields(o: TrackerOutput): Record<string, unknown> {
  return { ...o, bbox_pixel: o.bbox };
}
