// The offboard state machine (control-spec.md "Offboard and the vehicle link"):
//
//   idle ──start──► starting ──OFFBOARD confirmed──► active ──stop / loss──► stopping ──► idle
//
// Start refuses while the circuit breaker is on (nothing is sent), without a
// live link, telemetry, an armed vehicle above the altitude floor, usable
// tracker output or live video; then it streams zero setpoints for
// prestream_s, asks for OFFBOARD (DO_SET_MODE 1/6) and waits for the ACK and
// for a HEARTBEAT showing OFFBOARD. While active the keep-alive republishes
// the follower's command at setpoint_rate_hz. Following ends on an operator
// stop (final zero, then DO_SET_MODE to stop_mode), the follower's loss
// action (final zero, then Hold/Land/RTL), the vehicle leaving OFFBOARD
// (nothing sent: a pilot or the autopilot decided), link loss (PX4 runs its
// own failsafe) or failed sends. skyfeed never arms and never takes off.
// Every transition is an event carrying its report, for the audit log.

import type { LossAction, VehicleConfig } from '../../config/types.js';
import type { Follower } from '../followers/follower.js';
import type { Limits } from '../followers/limits.js';
import type { MavlinkLink } from '../link/mavlink-link.js';
import { isOffboard, MODES, modeText, px4CustomMode, px4ModeText, type Px4Mode } from '../link/px4-modes.js';
import { TypedEmitter } from '../typed-emitter.js';
import { Mutex } from '../../util/mutex.js';
import { ReportBuilder, type OffboardReport, type OffboardStateSnapshot } from './offboard-report.js';
import { SetpointPublisher, type CommandSource, type PublisherStats } from './setpoint-publisher.js';

export type OffboardPhase = 'idle' | 'starting' | 'active' | 'stopping';

/** Why following ended. */
export type StopReason = 'operator' | 'restart' | 'target_lost' | 'left_offboard' | 'link_lost' | 'publish_failed' | 'closing';

export interface OffboardContext {
  /** True while the camera delivers live frames. */
  videoLive(): boolean;
}

export interface OffboardOptions {
  link: MavlinkLink;
  vehicle: VehicleConfig;
  /** Global limits: the keep-alive's last clamp. */
  limits: Limits;
  hoverThrust: number;
  circuitBreaker: boolean;
  /** The current follower (a profile switch replaces it while idle). */
  follower(): Follower;
  log?: (line: string) => void;
}

export interface OffboardTransition {
  /** Seconds since the epoch. */
  timestamp: number;
  from: OffboardPhase;
  to: OffboardPhase;
  reason: string;
  /** The report of the command or automatic stop that caused it, when complete. */
  report?: OffboardReport;
}

export interface OffboardEvents {
  transition: [OffboardTransition];
}

export interface LastStop {
  timestamp: number;
  reason: StopReason;
  detail: string;
}

export const CIRCUIT_BREAKER_REFUSAL =
  'Circuit breaker is on (safety.circuit_breaker): setpoints are computed and shown as a preview, but nothing is sent to the vehicle; '
  + 'set safety.circuit_breaker: off in the config file to fly';

const STOP_MODE: Record<VehicleConfig['stop_mode'] | LossAction, Px4Mode> = {
  hold: MODES.hold, position: MODES.position, hover: MODES.hold, land: MODES.land, rtl: MODES.rtl,
};
/** close() while following: how long the final mode change may take (the server's shutdown deadline is 1.8 s). */
const CLOSE_MODE_TIMEOUT_MS = 600;
const TELEMETRY_POLL_MS = 50;

export class OffboardController extends TypedEmitter<OffboardEvents> {
  /** Fixed settings and the link. */
  readonly #o: OffboardOptions;
  /** The keep-alive stream. */
  readonly #publisher: SetpointPublisher;
  /** Serialises start, stop and automatic stops. */
  readonly #mutex = new Mutex();
  /** idle → starting → active → stopping → idle. */
  #phase: OffboardPhase = 'idle';
  /** The video liveness of the current session. */
  #ctx: OffboardContext | null = null;
  /** Set by stop()/link loss while a start is in progress; the start checks it after every wait. */
  #abortStart: string | null = null;
  /** Wakes the pre-stream wait early when a start is aborted. */
  #wake: (() => void) | null = null;
  /** Why following last ended (telemetry). */
  #lastStop: LastStop | null = null;
  /** Set by close(): starts are refused. */
  #closed = false;
  /** The follower's command, as the keep-alive reads it. */
  readonly #source: CommandSource;

  constructor(o: OffboardOptions) {
    super();
    this.#o = o;
    const link = o.link;
    this.#publisher = new SetpointPublisher({
      rateHz: o.vehicle.setpoint_rate_hz,
      commandTimeoutMs: o.vehicle.command_timeout_s * 1000,
      maxFailures: o.vehicle.max_publish_failures,
      hoverThrust: o.hoverThrust,
      limits: o.limits,
      vehicle: link.vehicle,
      send: (sp) => link.sendSetpoint(sp),
      onFailureLimit: (err) => this.#autoStop('publish_failed', `${o.vehicle.max_publish_failures} setpoint sends failed in a row (${err.message})`),
    });
    const self = this;
    this.#source = {
      current(nowMs: number) {
        const f = o.follower();
        const sp = f.tick(link.vehicle, nowMs, self.#videoLive());
        const action = f.consumeLossAction();
        if (action) self.#autoStop('target_lost', `target lost for ${f.telemetry(nowMs).loss_policy.action_after_s} s: loss action ${action}`, action);
        return sp;
      },
      get commandAt() {
        return o.follower().commandAt;
      },
    };
    link.on('lost', ({ reason }) => {
      if (this.#phase === 'starting') this.#abort(`vehicle link lost (${reason})`);
      else this.#autoStop('link_lost', `vehicle link lost: ${reason}`);
    });
    link.on('mode', ({ to, text }) => {
      if (this.#phase === 'active' && !isOffboard(to)) this.#autoStop('left_offboard', `the vehicle left OFFBOARD (now ${text})`);
    });
  }

  get phase(): OffboardPhase {
    return this.#phase;
  }

  get following(): boolean {
    return this.#phase === 'active';
  }

  get lastStop(): LastStop | null {
    return this.#lastStop;
  }

  get circuitBreaker(): boolean {
    return this.#o.circuitBreaker;
  }

  publisherStats(): PublisherStats {
    return this.#publisher.stats();
  }

  snapshot(): OffboardStateSnapshot {
    const link = this.#o.link;
    const hb = link.telemetry.heartbeat;
    return {
      following_active: this.#phase === 'active',
      offboard_phase: this.#phase,
      profile_name: this.#o.follower().law.name,
      circuit_breaker: this.#o.circuitBreaker,
      link_connected: link.connected,
      flight_mode_text: hb ? modeText(hb.autopilot, hb.custom_mode) : null,
      is_offboard: link.vehicle.is_offboard,
      armed: link.vehicle.armed,
    };
  }

  /**
   * An immediate extra setpoint from the follower (its target was just lost
   * or tracking stopped), so the vehicle hears it without waiting for the
   * next keep-alive tick.
   */
  kick(): void {
    if (this.#phase === 'active') this.#publisher.publishNow();
  }

  #videoLive(): boolean {
    try {
      return this.#ctx?.videoLive() ?? false;
    } catch {
      return false;
    }
  }

  /** Moves to `to`; the report (when given) is finished after the move, so its final state is the new one. */
  #go(to: OffboardPhase, reason: string, finish?: () => OffboardReport): OffboardReport | undefined {
    const from = this.#phase;
    this.#phase = to;
    this.#o.log?.(`offboard: ${from} -> ${to} (${reason})`);
    const report = finish?.();
    this.emit('transition', { timestamp: Date.now() / 1000, from, to, reason, ...(report ? { report } : {}) });
    return report;
  }

  /** Refusals and failures still emit an event (idle → idle) so the audit log sees every attempt. */
  #refuse(r: ReportBuilder, reason: string): OffboardReport {
    const report = r.finish(this.snapshot());
    this.emit('transition', { timestamp: Date.now() / 1000, from: this.#phase, to: this.#phase, reason, report });
    return report;
  }

  start(ctx: OffboardContext): Promise<OffboardReport> {
    return this.#mutex.run(() => this.#start(ctx));
  }

  async #start(ctx: OffboardContext): Promise<OffboardReport> {
    const o = this.#o;
    const link = o.link;
    const r = new ReportBuilder(this.snapshot());
    if (this.#closed) { r.error('The vehicle service is closed'); return r.finish(this.snapshot()); }
    if (this.#phase === 'active') {
      await this.#leave(r, 'restart', 'restarting', o.vehicle.stop_mode);
      r.step('Stopped the active follower before starting again');
    }
    if (o.circuitBreaker) { r.error(CIRCUIT_BREAKER_REFUSAL); return this.#refuse(r, 'start refused: circuit breaker on'); }
    const st = link.state;
    if (!link.connected) {
      r.error(`No live vehicle link (${st.connection}): no autopilot HEARTBEAT within vehicle.heartbeat_timeout_s (${o.vehicle.heartbeat_timeout_s} s)`);
      return this.#refuse(r, 'start refused: no link');
    }
    r.step(`Vehicle link live: system ${st.system_id} at ${st.peer ?? st.transport}, mode ${st.flight_mode_text}, HEARTBEAT ${st.last_heartbeat_age_s} s ago`);
    if (!(await this.#waitTelemetry(o.vehicle.telemetry_timeout_s * 1000))) {
      r.error(`No ATTITUDE and LOCAL_POSITION_NED telemetry within vehicle.telemetry_timeout_s (${o.vehicle.telemetry_timeout_s} s)`);
      return this.#refuse(r, 'start refused: no telemetry');
    }
    const v = link.vehicle;
    r.step(`Telemetry: altitude ${v.alt_m!.toFixed(1)} m, heading ${v.yaw_deg!.toFixed(0)}°, ${v.armed ? 'armed' : 'disarmed'}`);
    if (!v.armed) { r.error('The vehicle is disarmed: skyfeed never arms or takes off; arm and take off with the ground station first'); return this.#refuse(r, 'start refused: disarmed'); }
    if (v.alt_m! < o.limits.min_altitude_m) {
      r.error(`The vehicle is at ${v.alt_m!.toFixed(1)} m, below safety.min_altitude_m (${o.limits.min_altitude_m} m): take off first`);
      return this.#refuse(r, 'start refused: below the altitude floor');
    }
    const f = o.follower();
    r.step(`Follower ready: ${f.law.name} (${f.controlType})`);
    let live = false;
    try { live = ctx.videoLive(); } catch { live = false; }
    if (!live) { r.error('Video is not live: no camera frames'); return this.#refuse(r, 'start refused: video not live'); }
    if (!f.hasUsableInput(performance.now())) {
      r.error('No usable tracker output: start tracking a target first (the follower acts only on output usable_for_following, younger than follower.input_timeout_s)');
      return this.#refuse(r, 'start refused: no usable tracker output');
    }
    r.step('Video live, tracker output usable');

    this.#ctx = ctx;
    this.#abortStart = null;
    this.#go('starting', 'start_offboard_mode');
    this.#publisher.start(f.law.kind);
    r.step(`Streaming zero setpoints at ${o.vehicle.setpoint_rate_hz} Hz for ${o.vehicle.prestream_s} s`);
    await this.#sleep(o.vehicle.prestream_s * 1000);
    if (this.#abortStart) return this.#failStart(r, this.#abortStart, false);
    const ack = await link.setMode(MODES.offboard, o.vehicle.mode_switch_timeout_s * 1000);
    if (!ack.accepted) return this.#failStart(r, `The vehicle refused OFFBOARD: ${ack.result_text}`, false);
    r.step(`OFFBOARD accepted (COMMAND_ACK ${ack.result_text}, ${ack.attempts} attempt(s), ${ack.elapsed_ms} ms)`);
    if (this.#abortStart) return this.#failStart(r, this.#abortStart, true);
    const confirmed = await link.waitForHeartbeat(isOffboard, o.vehicle.mode_switch_timeout_s * 1000);
    if (this.#abortStart) return this.#failStart(r, this.#abortStart, true);
    if (!confirmed) return this.#failStart(r, `No HEARTBEAT showed OFFBOARD within vehicle.mode_switch_timeout_s (${o.vehicle.mode_switch_timeout_s} s)`, true);
    r.step(`HEARTBEAT confirms OFFBOARD (custom_mode 0x${link.telemetry.heartbeat!.custom_mode.toString(16)})`);
    f.begin(performance.now());
    this.#publisher.follow(this.#source);
    r.step(`Following active: ${f.law.name} at ${o.vehicle.setpoint_rate_hz} Hz`);
    return this.#go('active', 'OFFBOARD confirmed', () => r.finish(this.snapshot()))!;
  }

  /** A failed start: stop streaming (leaving OFFBOARD first if the vehicle already switched). */
  async #failStart(r: ReportBuilder, why: string, inOffboard: boolean): Promise<OffboardReport> {
    r.error(why);
    if (inOffboard || this.#o.link.vehicle.is_offboard) {
      await this.#leave(r, 'restart', 'start failed after OFFBOARD was entered', this.#o.vehicle.stop_mode);
    } else {
      this.#publisher.stop();
      r.step('Setpoint stream stopped');
    }
    return this.#go('idle', `start failed: ${why}`, () => r.finish(this.snapshot()))!;
  }

  stop(): Promise<OffboardReport> {
    const cancelling = this.#phase === 'starting';
    if (cancelling) this.#abort('cancelled by stop_offboard_mode');
    return this.#mutex.run(async () => {
      const r = new ReportBuilder(this.snapshot());
      if (this.#phase !== 'active') {
        r.step(cancelling ? 'Cancelled the offboard start in progress' : 'Following was not active; nothing to stop');
        return r.finish(this.snapshot(), cancelling);
      }
      await this.#leave(r, 'operator', 'stop_offboard_mode', this.#o.vehicle.stop_mode);
      return r.finish(this.snapshot(), true);
    });
  }

  #abort(why: string): void {
    this.#abortStart = why;
    this.#wake?.();
  }

  /** Automatic end of following; runs behind the mutex, emits the report. */
  #autoStop(reason: StopReason, detail: string, action?: LossAction): void {
    if (this.#phase !== 'active') return;
    void this.#mutex.run(async () => {
      if (this.#phase !== 'active') return;
      const r = new ReportBuilder(this.snapshot());
      r.step(`Following stops: ${detail}`);
      if (reason === 'target_lost' && action) {
        await this.#leave(r, reason, detail, action);
        return;
      }
      this.#publisher.stop();
      if (reason === 'left_offboard') r.step('No mode command sent: the pilot or the autopilot chose the mode');
      else if (reason === 'link_lost') r.warn('Nothing can reach the vehicle: PX4 runs its own offboard-loss failsafe (COM_OBL_RC_ACT)');
      else r.error(detail);
      this.#stopped(r, reason, detail);
    });
  }

  /** Final zero, mode change (while the zeros keep flowing), confirmation, stream stopped. */
  async #leave(r: ReportBuilder, reason: StopReason, detail: string, target: keyof typeof STOP_MODE, timeoutMs?: number): Promise<void> {
    const link = this.#o.link;
    const mode = STOP_MODE[target];
    const name = px4ModeText(px4CustomMode(mode.main, mode.sub));
    if (this.#phase !== 'stopping') this.#go('stopping', detail);
    try {
      await this.#publisher.publishNeutralNow();
      r.step('Sent a final zero setpoint');
    } catch (err) {
      r.warn(`The final zero setpoint could not be sent: ${(err as Error).message}`);
    }
    const limit = timeoutMs ?? this.#o.vehicle.mode_switch_timeout_s * 1000;
    if (!link.connected) {
      r.warn('The vehicle link is down: no mode change sent; PX4 runs its own offboard-loss failsafe');
    } else {
      const ack = await link.setMode(mode, limit);
      if (ack.accepted) r.step(`${name} accepted (COMMAND_ACK ${ack.result_text}, ${ack.elapsed_ms} ms)`);
      else r.error(`The vehicle did not accept ${name}: ${ack.result_text}; the setpoint stream stops, so PX4's offboard-loss failsafe takes over`);
      const left = await link.waitForHeartbeat((m) => !isOffboard(m), limit);
      const hb = link.telemetry.heartbeat;
      if (left && hb) r.step(`HEARTBEAT shows ${modeText(hb.autopilot, hb.custom_mode)}`);
      else if (ack.accepted) r.warn(`No HEARTBEAT showed the vehicle out of OFFBOARD within ${limit} ms`);
    }
    this.#publisher.stop();
    r.step('Setpoint stream stopped');
    this.#stopped(r, reason, detail);
  }

  #stopped(r: ReportBuilder, reason: StopReason, detail: string): void {
    this.#lastStop = { timestamp: Date.now() / 1000, reason, detail };
    this.#go('idle', `${reason}: ${detail}`, () => r.finish(this.snapshot(), true));
  }

  async #waitTelemetry(timeoutMs: number): Promise<boolean> {
    const t0 = performance.now();
    const tel = this.#o.link.telemetry;
    while (!(tel.attitude && tel.local_position)) {
      if (performance.now() - t0 >= timeoutMs) return false;
      await new Promise((res) => setTimeout(res, TELEMETRY_POLL_MS));
    }
    return true;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.#wake = finish;
    });
  }

  /** Leaves OFFBOARD if following (final zero + stop_mode, bounded), stops the stream; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#phase === 'starting') this.#abort('closing');
    await this.#mutex.run(async () => {
      if (this.#phase === 'active') {
        const r = new ReportBuilder(this.snapshot());
        await this.#leave(r, 'closing', 'the vehicle service is closing', this.#o.vehicle.stop_mode, CLOSE_MODE_TIMEOUT_MS);
      }
      this.#publisher.stop();
    });
    this.removeAllListeners();
  }
}
