// The vehicle side wired into the server: the VehicleService (link,
// follower, offboard state machine, simulated vehicle) fed with every tracker
// output, its pose driving the synthetic camera (so following a target
// re-centres it in the video), video liveness from the running source, the
// fault drills that touch the camera, and a bounded log of everything that
// happened to the vehicle (offboard transitions also go to the config audit
// trail when one exists).

import type { SkyfeedConfig } from '../config/types.js';
import type { AuditLog } from '../config/audit-log.js';
import { AERIAL_SCENE_KINDS } from '../capture/synthetic/scene-targets.js';
import { MAX_ALT_M, MIN_ALT_M, type CameraPose } from '../capture/synthetic/camera-pose.js';
import { VehicleService, type OffboardReport, type TrackerSample } from '../vehicle/index.js';
import type { VideoService } from './video-service.js';
import { logger } from '../util/log.js';

export interface FlightEvent {
  /** Seconds since the epoch. */
  timestamp: number;
  kind: 'offboard' | 'loss' | 'link' | 'fault' | 'sim';
  detail: string;
}

export interface FlightServiceDeps {
  config: SkyfeedConfig;
  video: VideoService;
  /** The config audit trail (null without a config file); offboard transitions are appended to it. */
  audit(): AuditLog | null;
  log?: (line: string) => void;
}

const log = logger('vehicle');

/** Events kept for /api/vehicle/events: a few minutes of a busy flight. */
const EVENT_RING = 200;
/** The camera takes the vehicle's pose this often (the synthetic camera's rate). */
const POSE_INTERVAL_MS = 33;
/** A newest frame older than this (and older than 5 frame intervals) means the video is not live. */
const LIVE_FRAME_MIN_MS = 500;

export class FlightService {
  readonly vehicle: VehicleService;
  readonly #d: FlightServiceDeps;
  readonly #events: FlightEvent[] = [];
  #poseTimer: NodeJS.Timeout | null = null;
  /** Reused by the pose loop: no allocation per tick. */
  readonly #pose: CameraPose = { north_m: 0, east_m: 0, alt_m: 0, yaw_deg: 0 };
  #thawTimer: NodeJS.Timeout | null = null;
  /** Why the link did not open at start, or null. */
  #startError: string | null = null;

  constructor(deps: FlightServiceDeps) {
    this.#d = deps;
    const c = deps.config;
    this.vehicle = new VehicleService(c, { log: deps.log, cameraAspect: c.streaming.height / c.streaming.width });
    const v = this.vehicle;
    v.on('transition', (t) => {
      this.#push('offboard', `${t.from} -> ${t.to}: ${t.reason}`);
      void this.#audit(t.from, t.to, t.reason, t.report);
    });
    v.on('loss', (e) => this.#push('loss', `${e.profile_name}: ${e.from} -> ${e.to} (${e.reason})`));
    v.on('link', (e) => this.#push('link', `${e.kind}: ${e.detail}`));
    v.on('fault', (e) => this.#push('fault', `${e.kind} for ${e.seconds} s`));
    v.on('sim', (e) => this.#push('sim', `${e.kind}: ${e.detail.split('\n')[0]}`));
  }

  /**
   * Opens the link (for sim: starts the simulated vehicle). A link that
   * cannot open (port taken, no serial device) leaves the camera serving and
   * the vehicle side refusing to follow, with the reason in its status.
   */
  async start(): Promise<void> {
    try {
      await this.vehicle.start();
    } catch (err) {
      this.#startError = (err as Error).message;
      this.#d.log?.(`vehicle: the link did not open (${this.#startError}); serving video without a vehicle`);
      this.#push('link', `did not open: ${this.#startError}`);
    }
    this.#poseTimer = setInterval(() => this.#applyPose(), POSE_INTERVAL_MS);
    this.#poseTimer.unref();
  }

  /**
   * Why the synthetic camera does not render from the vehicle's pose, or null
   * when it does (or the camera is a real one, carried by the vehicle). Read
   * each tick: the source may be reconfigured while running.
   */
  syntheticCameraWhyNot(): string | null {
    const src = this.#d.config.source;
    if (src.type !== 'synthetic') return null;
    return (AERIAL_SCENE_KINDS as readonly string[]).includes(src.scene ?? '') ? null
      : `source.scene ${src.scene} has no ground to fly over; the aerial scenes follow the vehicle`;
  }

  /** The synthetic camera renders from the vehicle's pose; before telemetry (or after a loss) it keeps the last one. */
  #applyPose(): void {
    const src = this.#d.video.source;
    // Only the aerial scenes take a pose (the others refuse it in the camera thread).
    if (!src?.setPose || this.#d.config.source.type !== 'synthetic' || this.syntheticCameraWhyNot() !== null) return;
    const p = this.vehicle.pose(this.#pose);
    if (!p) return;
    // The renderer's range; a real vehicle can be lower or higher than a synthetic camera draws.
    p.alt_m = Math.min(MAX_ALT_M, Math.max(MIN_ALT_M, p.alt_m));
    src.setPose(p);
  }

  /** True while the camera delivers live frames (not NO SIGNAL, not frozen). */
  videoLive(): boolean {
    const h = this.#d.video.source?.health();
    if (!h || h.frames === 0 || h.state === 'failed' || h.state === 'unavailable' || h.state === 'recovering') return false;
    const fps = this.#d.config.streaming.fps || 30;
    return Date.now() - h.lastFrameAt < Math.max(LIVE_FRAME_MIN_MS, 5000 / fps);
  }

  /** Every tracker output (a copy is not needed: the follower reads it at once), or null when tracking ended. */
  trackerOutput(o: TrackerSample | null): void {
    this.vehicle.onTrackerOutput(o);
  }

  startOffboard(): Promise<OffboardReport> {
    return this.vehicle.startOffboard({ videoLive: () => this.videoLive() });
  }

  stopOffboard(): Promise<OffboardReport> {
    return this.vehicle.stopOffboard();
  }

  get following(): boolean {
    return this.vehicle.following;
  }

  followerTelemetry(): Record<string, unknown> {
    return this.vehicle.followerTelemetry();
  }

  profiles(): ReturnType<VehicleService['profiles']> {
    return this.vehicle.profiles();
  }

  switchProfile(name: string): Record<string, unknown> {
    return this.vehicle.switchProfile(name);
  }

  /** The operator stopped tracking, or the tracker gave up: the follower's loss timeline starts now. */
  trackingStopped(): void {
    this.vehicle.onTrackerOutput(null);
  }

  /** For the OSD's telemetry line: link, mode, armed, altitude. */
  osdVehicle(): { connected: boolean; mode: string; armed: boolean; alt_m: number | null } {
    const st = this.vehicle.link;
    const p = this.vehicle.pose(this.#osdPose);
    return { connected: st.connected, mode: st.flight_mode_text ?? '?', armed: st.armed, alt_m: p ? p.alt_m : null };
  }

  readonly #osdPose: CameraPose = { north_m: 0, east_m: 0, alt_m: 0, yaw_deg: 0 };

  /**
   * A drill (sim.fault_injection only): the link goes silent, the video
   * freezes (the synthetic camera really stops; any camera counts as not
   * live), or the tracker output is corrupted before the follower reads it.
   */
  async injectFault(kind: 'drop_link' | 'freeze_video' | 'corrupt_tracker', seconds: number): Promise<void> {
    const f = this.vehicle.faults;
    if (kind === 'drop_link') return f.dropLink(seconds);
    if (kind === 'corrupt_tracker') return f.corruptTracker(seconds);
    f.freezeVideo(seconds);
    const src = this.#d.video.source;
    if (!src?.setFrozen) return;
    src.setFrozen(true);
    if (this.#thawTimer) clearTimeout(this.#thawTimer);
    this.#thawTimer = setTimeout(() => { this.#thawTimer = null; this.#d.video.source?.setFrozen?.(false); }, seconds * 1000);
    this.#thawTimer.unref();
  }

  /** Newest last. */
  events(): readonly FlightEvent[] {
    return this.#events;
  }

  status(): Record<string, unknown> {
    const why = this.syntheticCameraWhyNot();
    return { ...this.vehicle.status(), start_error: this.#startError, synthetic_camera_follows: this.#d.config.source.type === 'synthetic' && why === null, synthetic_camera_note: why };
  }

  #push(kind: FlightEvent['kind'], detail: string): void {
    // Every vehicle event is also a log line (offboard transitions, target loss, link, faults, the simulator).
    log.info({ event: `vehicle_${kind}`, kind, detail }, `vehicle ${kind}: ${detail}`);
    this.#events.push({ timestamp: Date.now() / 1000, kind, detail });
    if (this.#events.length > EVENT_RING) this.#events.shift();
  }

  async #audit(from: string, to: string, reason: string, report?: OffboardReport): Promise<void> {
    const audit = this.#d.audit();
    if (!audit) return;
    await audit.append({
      timestamp: Date.now() / 1000, action: 'offboard', section: 'vehicle', parameter: 'offboard_phase',
      old_value: from, new_value: { phase: to, reason, ...(report ? { status: report.status, errors: report.details.errors } : {}) },
      client: 'skyfeed', backup_id: null,
    }).catch((err: Error) => this.#d.log?.(`vehicle: audit write failed: ${err.message}`));
  }

  async close(): Promise<void> {
    if (this.#poseTimer) clearInterval(this.#poseTimer);
    if (this.#thawTimer) clearTimeout(this.#thawTimer);
    this.#poseTimer = this.#thawTimer = null;
    await this.vehicle.close();
  }
}
