// One follower: a control law behind the common machinery. Tracker output
// arrives at the camera's rate (update); the offboard keep-alive asks for the
// command to send at its own rate (tick), which is also when timers move:
// stale input, dead video and the loss timeline. Per-frame work reuses the
// same setpoint objects and allocates nothing.

import type { LossAction, LossPolicyConfig } from '../../config/types.js';
import { copySetpoint, newSetpoint, setNeutral, setpointFields, CONTROL_TYPE, type ControlType, type Setpoint } from '../setpoint.js';
import type { VehicleState } from '../vehicle-state.js';
import type { ControlLaw } from './control-law.js';
import { clampAttitude, clampVelocity, clipNames } from './limits.js';
import { LossPolicy, type LossPolicyTelemetry, type LossTransition } from './loss-policy.js';
import { clamp, MAX_DT_S, MIN_DT_S } from './pid.js';
import { readSample, type SampleValues, type TrackerSample } from './tracker-sample.js';
import type { TargetMotion } from './target-motion.js';

export interface FollowerOptions {
  law: ControlLaw;
  loss: LossPolicyConfig;
  aimX: number;
  aimY: number;
  /** No tracker output for this long = lost. */
  inputTimeoutMs: number;
  /** Ramp of velocity commands while tracking, m/s². */
  maxAccelMs2: number;
  /** Weight of the previous command in the moving average, 0…0.95. */
  smoothing: number;
  hoverThrust: number;
  /** The target's ground-velocity estimate, for laws that feed it forward (absent: none). */
  motion?: TargetMotion;
  onLossTransition?: (t: LossTransition) => void;
}

export interface FollowerTelemetry {
  profile_name: string;
  control_type: ControlType;
  /** The command as it would be sent now, in the original's field names. */
  fields: Record<string, number>;
  /** Limits that cut the latest command (e.g. ["total"]). */
  limited: string[];
  loss_policy: LossPolicyTelemetry;
  /** Age of the latest tracker sample / command, s (null when none). */
  input_age_s: number | null;
  command_age_s: number | null;
  /** Tracker samples refused as corrupted (NaN, absurd values). */
  invalid_inputs: number;
  /** Why the latest sample was not followed, if it was not. */
  last_rejection: string | null;
  /** The target's estimated ground velocity fed forward (body frame, m/s); null when off or not yet known. */
  target_velocity: { fwd_m_s: number; right_m_s: number } | null;
}

export class Follower {
  readonly law: ControlLaw;
  /** Fixed options. */
  readonly #o: FollowerOptions;
  /** The target-loss timeline. */
  readonly #policy: LossPolicy;
  /** The command to send; overwritten in place. */
  readonly #cmd: Setpoint;
  /** The law's raw output before smoothing, ramp and limits. */
  readonly #raw: Setpoint;
  /** Validated values of the latest sample. */
  readonly #sample: SampleValues = { x: 0, y: 0, confidence: 0 };
  /** performance.now() of the latest usable sample, of the latest law step, of the latest command. */
  #lastUsableAt = -Infinity;
  #lastStepAt = -Infinity;
  #cmdAt = -Infinity;
  /** performance.now() of the latest sample of any kind. */
  #lastInputAt = -Infinity;
  /** Stop-tracking (null sample): neutral until the next usable sample, whatever the profile's coast would do. */
  #stopped = false;
  /** Limits that cut the latest command (CLIP bits), corrupted samples refused, why the latest sample was not followed. */
  #clipMask = 0;
  #invalid = 0;
  #lastRejection: string | null = null;

  constructor(o: FollowerOptions) {
    this.law = o.law;
    this.#o = o;
    this.#policy = new LossPolicy(o.loss, o.onLossTransition);
    this.#cmd = newSetpoint(o.law.kind, o.hoverThrust);
    this.#raw = newSetpoint(o.law.kind, o.hoverThrust);
  }

  get controlType(): ControlType {
    return CONTROL_TYPE[this.law.kind];
  }

  get lossPhase(): LossPolicy['phase'] {
    return this.#policy.phase;
  }

  /** performance.now() at which the current command was computed. */
  get commandAt(): number {
    return this.#cmdAt;
  }

  /** A usable sample younger than the input timeout. */
  hasUsableInput(nowMs: number): boolean {
    return !this.#stopped && nowMs - this.#lastUsableAt <= this.#o.inputTimeoutMs;
  }

  /** Starts a follow session: integrators cleared (preview must not wind them up), timeline from the current input. */
  begin(nowMs: number): void {
    this.law.reset();
    this.#o.motion?.reset();
    setNeutral(this.#cmd, this.#o.hoverThrust);
    this.#cmdAt = nowMs;
    this.#lastStepAt = -Infinity;
    this.#policy.reset(nowMs);
    if (this.hasUsableInput(nowMs)) this.#policy.track(nowMs);
  }

  /** A tracker output, or null when tracking was stopped; with the video dead no sample is followed. */
  update(sample: TrackerSample | null, vehicle: VehicleState, nowMs: number, videoLive = true): void {
    this.#lastInputAt = nowMs;
    if (sample === null) {
      this.#stopped = true;
      this.#lastRejection = 'tracking stopped';
      this.#policy.lose(nowMs, 'tracking stopped');
      setNeutral(this.#cmd, this.#o.hoverThrust);
      this.#cmdAt = nowMs;
      return;
    }
    let why = readSample(sample, this.#sample);
    if (why?.startsWith('invalid')) this.#invalid++;
    else if (why === null && !videoLive) why = 'video not live';
    if (why === null) why = this.law.rejects(this.#sample.x, this.#sample.y, this.#sample.confidence);
    this.#lastRejection = why;
    if (why !== null) {
      this.#o.motion?.reset();
      this.#policy.lose(nowMs, why);
      this.#lostOutput(vehicle, nowMs);
      return;
    }
    // Integrators survive a short dropout (the chase even steers on them while
    // coasting) but not a long loss or a stop: the scene has changed since.
    const phase = this.#policy.phase;
    if (this.#stopped || phase === 'holding' || phase === 'action') this.law.reset();
    this.#stopped = false;
    this.#lastUsableAt = nowMs;
    this.#policy.track(nowMs);
    const dt = this.#lastStepAt === -Infinity ? 1 / 30 : (nowMs - this.#lastStepAt) / 1000;
    this.#lastStepAt = nowMs;
    const ex = this.#sample.x - this.#o.aimX;
    const ey = this.#sample.y - this.#o.aimY;
    const m = this.#o.motion;
    m?.observe(ex, ey, sample.timestamp, vehicle);
    this.law.track(ex, ey, vehicle, clamp(dt, MIN_DT_S, MAX_DT_S), this.#raw, m?.valid ? m : null);
    this.#shape(dt);
    this.#clipMask = this.#limit(vehicle);
    this.#cmdAt = nowMs;
  }

  /**
   * The command to send now (the same object every time: copy it if kept).
   * Moves the loss timeline: stale input or dead video count as a loss.
   */
  tick(vehicle: VehicleState, nowMs: number, videoLive: boolean): Setpoint {
    if (this.#policy.phase === 'tracking') {
      if (!videoLive) this.#policy.lose(nowMs, 'video not live');
      else if (nowMs - this.#lastUsableAt > this.#o.inputTimeoutMs) this.#policy.lose(nowMs, `no tracker output for ${this.#o.inputTimeoutMs} ms`);
    }
    const phase = this.#policy.advance(nowMs);
    if (phase !== 'tracking' && phase !== 'idle') this.#lostOutput(vehicle, nowMs);
    return this.#cmd;
  }

  /** The loss action, once, when the timeline reached it. */
  consumeLossAction(): LossAction | null {
    return this.#policy.consumeAction();
  }

  /** Lost and holding phases: the profile's coast while it has one, else neutral (always neutral after a stop). */
  #lostOutput(vehicle: VehicleState, nowMs: number): void {
    const dt = this.#cmdAt === -Infinity ? 0 : clamp((nowMs - this.#cmdAt) / 1000, 0, MAX_DT_S);
    const phase = this.#policy.phase;
    const coasting = !this.#stopped && (phase === 'lost' || phase === 'holding') && this.law.coast(vehicle, dt, this.#raw);
    if (coasting) {
      copySetpoint(this.#cmd, this.#raw);
      this.#clipMask = this.#limit(vehicle);
    } else {
      setNeutral(this.#cmd, this.#o.hoverThrust);
      this.#clipMask = 0;
    }
    this.#cmdAt = nowMs;
  }

  /** Smoothing (moving average) then the acceleration ramp, from the previous command into #cmd. */
  #shape(dtS: number): void {
    const w = this.#o.smoothing;
    const raw = this.#raw;
    const cmd = this.#cmd;
    if (raw.kind === 'velocity_body' && cmd.kind === 'velocity_body') {
      const step = this.#o.maxAccelMs2 * clamp(dtS, MIN_DT_S, MAX_DT_S);
      cmd.fwd = ramp(cmd.fwd, w * cmd.fwd + (1 - w) * raw.fwd, step);
      cmd.right = ramp(cmd.right, w * cmd.right + (1 - w) * raw.right, step);
      cmd.down = ramp(cmd.down, w * cmd.down + (1 - w) * raw.down, step);
      cmd.yawspeed_deg_s = w * cmd.yawspeed_deg_s + (1 - w) * raw.yawspeed_deg_s;
    } else if (raw.kind === 'attitude_rate' && cmd.kind === 'attitude_rate') {
      cmd.roll_rate = w * cmd.roll_rate + (1 - w) * raw.roll_rate;
      cmd.pitch_rate = w * cmd.pitch_rate + (1 - w) * raw.pitch_rate;
      cmd.yaw_rate = w * cmd.yaw_rate + (1 - w) * raw.yaw_rate;
      cmd.thrust = w * cmd.thrust + (1 - w) * raw.thrust;
    }
  }

  #limit(vehicle: VehicleState): number {
    const cmd = this.#cmd;
    return cmd.kind === 'velocity_body'
      ? clampVelocity(cmd, this.law.limits, vehicle)
      : clampAttitude(cmd, this.law.limits, vehicle, this.#o.hoverThrust);
  }

  telemetry(nowMs: number): FollowerTelemetry {
    const age = (t: number) => (t === -Infinity ? null : Math.round(nowMs - t) / 1000);
    const m = this.#o.motion;
    const round3 = (x: number) => Math.round(x * 1000) / 1000;
    return {
      profile_name: this.law.name,
      control_type: this.controlType,
      fields: setpointFields(this.#cmd),
      limited: clipNames(this.#clipMask),
      loss_policy: this.#policy.telemetry(nowMs),
      input_age_s: age(this.#lastInputAt),
      command_age_s: age(this.#cmdAt),
      invalid_inputs: this.#invalid,
      last_rejection: this.#lastRejection,
      target_velocity: m?.valid ? { fwd_m_s: round3(m.fwd), right_m_s: round3(m.right) } : null,
    };
  }
}

/** `target`, but at most `step` away from `prev`. */
function ramp(prev: number, target: number, step: number): number {
  return target > prev + step ? prev + step : target < prev - step ? prev - step : target;
}
