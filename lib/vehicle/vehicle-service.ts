// The vehicle side behind one façade for the server: builds the link from
// vehicle.connection (for `sim`, the simulated vehicle as a child process on
// loopback), the follower from the follower section, the offboard state
// machine, and fault injection. The HTTP wiring only forwards.
//
// Why a child process for `sim`: the sim then talks to the server exactly as
// PX4 SITL would (separate process, real UDP, its own clock and event loop),
// a stall in the server's event loop cannot distort the vehicle's physics,
// and a crash of either side is visible to the other as link loss. It costs
// one Node process (~40 MB RSS).

import type { SkyfeedConfig } from '../config/types.js';
import { poseFromTelemetry, type VehicleTelemetry } from './link/telemetry.js';
import type { CameraPose } from './camera-pose.js';
import { createFollower, followerConfigProblems, PROFILES, requireProfile } from './followers/catalog.js';
import type { Follower } from './followers/follower.js';
import { globalLimits } from './followers/limits.js';
import type { LossTransition } from './followers/loss-policy.js';
import type { TrackerSample } from './followers/tracker-sample.js';
import { FaultInjector, type FaultEvent } from './fault-injector.js';
import { isRealLink, parseConnection, type ConnectionSpec } from './link/connection-url.js';
import { MavlinkLink, type LinkState } from './link/mavlink-link.js';
import { SerialTransport } from './link/serial-transport.js';
import type { Transport } from './link/transport.js';
import { UdpTransport } from './link/udp-transport.js';
import { OffboardController, type OffboardContext, type OffboardTransition } from './offboard/offboard-controller.js';
import type { OffboardReport } from './offboard/offboard-report.js';
import { simSettingsFromConfig } from './sim/sim-options.js';
import { SimProcess } from './sim/sim-process.js';
import { TypedEmitter } from './typed-emitter.js';
import { VehicleError } from './vehicle-error.js';

export type VehicleServiceConfig = Pick<SkyfeedConfig, 'vehicle' | 'follower' | 'safety' | 'sim'>;

export interface VehicleServiceOptions {
  /** State changes, one line each (stderr in the server). */
  log?: (line: string) => void;
  /** The simulated vehicle's own output lines (default: dropped, the newest kept for errors). */
  simLog?: (line: string) => void;
  /** Camera frame height / width, for turning image motion into metres (default 4:3). */
  cameraAspect?: number;
}

export interface LossEvent {
  timestamp: number;
  profile_name: string;
  from: string;
  to: string;
  reason: string;
}

export interface LinkEvent {
  timestamp: number;
  kind: 'connected' | 'lost' | 'mode' | 'peer';
  detail: string;
}

export interface SimEvent {
  timestamp: number;
  kind: 'exited';
  detail: string;
}

export interface VehicleEvents {
  /** Offboard state changes and refusals, with their reports (the audit log). */
  transition: [OffboardTransition];
  /** The follower's target-loss timeline. */
  loss: [LossEvent];
  link: [LinkEvent];
  fault: [FaultEvent];
  sim: [SimEvent];
}

/** Problems the schema cannot see; empty when the configuration is usable. */
export function vehicleConfigProblems(c: VehicleServiceConfig): string[] {
  const problems: string[] = [];
  try {
    parseConnection(c.vehicle.connection);
  } catch (err) {
    problems.push((err as Error).message);
  }
  problems.push(...followerConfigProblems(c));
  try {
    requireProfile(c.follower.profile);
  } catch (err) {
    problems.push(`follower.profile: ${(err as Error).message}`);
  }
  return problems;
}

const now = () => performance.now();

export class VehicleService extends TypedEmitter<VehicleEvents> {
  /** The four config sections, options, the parsed connection. */
  readonly #c: VehicleServiceConfig;
  readonly #o: VehicleServiceOptions;
  readonly #spec: ConnectionSpec;
  /** Resolved once: auto = on for real links, off for the sim. */
  readonly #circuitBreaker: boolean;
  /** The link and the offboard state machine over it. */
  readonly #link: MavlinkLink;
  readonly #offboard: OffboardController;
  readonly faults: FaultInjector;
  /** The selected profile's follower (replaced by switchProfile while idle). */
  #follower: Follower;
  /** The simulated vehicle process (connection sim), and how it ended if it did. */
  #sim: SimProcess | null = null;
  #simExit: string | null = null;
  /** Video liveness for preview ticks (the latest startOffboard context). */
  #ctx: OffboardContext = { videoLive: () => true };
  /** start() ran; close() ran (idempotent). */
  #started = false;
  #closed: Promise<void> | null = null;

  constructor(config: VehicleServiceConfig, opts: VehicleServiceOptions = {}) {
    super();
    const problems = vehicleConfigProblems(config);
    if (problems.length) throw new VehicleError('SKYFEED_ERR_VEHICLE_CONFIG', `invalid vehicle configuration:\n  ${problems.join('\n  ')}`);
    this.#c = config;
    this.#o = opts;
    this.#spec = parseConnection(config.vehicle.connection);
    const cb = config.safety.circuit_breaker;
    this.#circuitBreaker = cb === 'on' || (cb === 'auto' && isRealLink(this.#spec));
    this.#follower = this.#newFollower(config.follower.profile);
    this.#link = new MavlinkLink({
      transport: this.#transport(),
      connection: config.vehicle.connection,
      systemId: config.vehicle.system_id,
      componentId: config.vehicle.component_id,
      targetSystem: config.vehicle.target_system,
      signingPassphrase: config.vehicle.signing_passphrase,
      heartbeatTimeoutMs: config.vehicle.heartbeat_timeout_s * 1000,
      log: opts.log,
    });
    const ts = () => Date.now() / 1000;
    this.#link.on('connected', (e) => this.emit('link', { timestamp: ts(), kind: 'connected', detail: `system ${e.system_id} component ${e.component_id} at ${e.peer}` }));
    this.#link.on('lost', (e) => this.emit('link', { timestamp: ts(), kind: 'lost', detail: e.reason }));
    this.#link.on('mode', (e) => this.emit('link', { timestamp: ts(), kind: 'mode', detail: e.text }));
    this.#link.on('peer', (p) => this.emit('link', { timestamp: ts(), kind: 'peer', detail: `${p.address}:${p.port}` }));
    this.#offboard = new OffboardController({
      link: this.#link,
      vehicle: config.vehicle,
      limits: globalLimits(config.safety),
      hoverThrust: config.follower.hover_thrust,
      circuitBreaker: this.#circuitBreaker,
      follower: () => this.#follower,
      log: opts.log,
    });
    this.#offboard.on('transition', (t) => this.emit('transition', t));
    this.faults = new FaultInjector(
      config.sim.fault_injection,
      this.#spec.kind === 'sim' ? (s) => this.#requireSim().dropLink(s) : null,
      (e) => {
        opts.log?.(`vehicle: fault injected: ${e.kind} for ${e.seconds} s`);
        this.emit('fault', e);
      },
    );
  }

  #transport(): Transport {
    const s = this.#spec;
    switch (s.kind) {
      case 'sim': return new UdpTransport('in', '127.0.0.1', 0);
      case 'udpin': return new UdpTransport('in', s.host, s.port);
      case 'udpout': return new UdpTransport('out', s.host, s.port);
      case 'serial': return new SerialTransport(s.path, s.baud);
    }
  }

  #newFollower(name: string): Follower {
    return createFollower(name, { ...this.#c, cameraAspect: this.#o.cameraAspect }, (t: LossTransition) => {
      const e = { timestamp: Date.now() / 1000, profile_name: name, from: t.from, to: t.to, reason: t.reason };
      if (t.to !== 'tracking' && t.to !== 'idle') this.#o.log?.(`follower: ${t.from} -> ${t.to} (${t.reason})`);
      this.emit('loss', e);
    });
  }

  #requireSim(): SimProcess {
    if (!this.#sim || !this.#sim.running) throw new VehicleError('SKYFEED_ERR_LINK_UNAVAILABLE', `the simulated vehicle is not running${this.#simExit ? ` (${this.#simExit})` : ''}`);
    return this.#sim;
  }

  /** Opens the link; for `sim`, starts the simulated vehicle talking to it. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await this.#link.start();
    if (this.#spec.kind !== 'sim') return;
    const settings = {
      ...simSettingsFromConfig(this.#c),
      listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: this.#link.transport.localPort!,
    };
    try {
      this.#sim = await SimProcess.start(settings, this.#o.simLog);
    } catch (err) {
      // The camera server runs on without a vehicle; the link stays down and says why.
      this.#simExit = `did not start: ${(err as Error).message}`;
      this.#o.log?.(`vehicle: the simulated vehicle ${this.#simExit}`);
      this.emit('sim', { timestamp: Date.now() / 1000, kind: 'exited', detail: this.#simExit });
      return;
    }
    const sim = this.#sim;
    void sim.exited.then((code) => {
      if (this.#closed) return;
      this.#simExit = `exited with code ${code}`;
      this.#o.log?.(`vehicle: the simulated vehicle ${this.#simExit}; the link will time out`);
      this.emit('sim', { timestamp: Date.now() / 1000, kind: 'exited', detail: `${this.#simExit}\n${sim.output()}` });
    });
  }

  get link(): LinkState {
    return this.#link.state;
  }

  get following(): boolean {
    return this.#offboard.following;
  }

  get circuitBreaker(): boolean {
    return this.#circuitBreaker;
  }

  /** The simulated vehicle process (connection `sim`), for its statistics. */
  get sim(): SimProcess | null {
    return this.#sim;
  }

  startOffboard(ctx: OffboardContext): Promise<OffboardReport> {
    const faults = this.faults;
    this.#ctx = { videoLive: () => !faults.videoFrozen() && ctx.videoLive() };
    return this.#offboard.start(this.#ctx);
  }

  stopOffboard(): Promise<OffboardReport> {
    return this.#offboard.stop();
  }

  /** One tracker output per processed frame, or null when tracking stopped. Never throws for bad input. */
  onTrackerOutput(output: TrackerSample | null): void {
    const t = now();
    const f = this.#follower;
    const before = f.lossPhase;
    f.update(this.faults.apply(output, t), this.#link.vehicle, t, this.#videoLive());
    if (before === 'tracking' && f.lossPhase !== 'tracking') this.#offboard.kick();
  }

  /** /telemetry/follower_data: the original's fields plus the loss policy, preview and keep-alive state. */
  followerTelemetry(): Record<string, unknown> {
    const t = now();
    const f = this.#follower;
    // Not following: nothing ticks the follower, so its timers move here (preview).
    if (!this.#offboard.following) f.tick(this.#link.vehicle, t, this.#videoLive());
    const ft = f.telemetry(t);
    const st = this.#link.state;
    return {
      fields: ft.fields,
      profile_name: ft.profile_name,
      control_type: ft.control_type,
      timestamp: Date.now() / 1000,
      following_active: this.#offboard.following,
      // Setpoints are computed but not sent (not following, or the circuit breaker is on).
      preview: !this.#offboard.following,
      circuit_breaker: this.#circuitBreaker,
      flight_mode: st.flight_mode,
      flight_mode_text: st.flight_mode_text,
      is_offboard: st.is_offboard,
      offboard_phase: this.#offboard.phase,
      loss_policy: ft.loss_policy,
      limited: ft.limited,
      input_age_s: ft.input_age_s,
      command_age_s: ft.command_age_s,
      invalid_inputs: ft.invalid_inputs,
      last_rejection: ft.last_rejection,
      target_velocity: ft.target_velocity,
      keepalive: this.#offboard.publisherStats(),
      last_stop: this.#offboard.lastStop,
    };
  }

  #videoLive(): boolean {
    try {
      return this.#ctx.videoLive();
    } catch {
      return false;
    }
  }

  profiles(): { current_profile: string; profiles: typeof PROFILES; following_active: boolean } {
    return { current_profile: this.#follower.law.name, profiles: PROFILES, following_active: this.following };
  }

  /** Refused while following or starting (VehicleError SKYFEED_ERR_FOLLOWING_ACTIVE). */
  switchProfile(name: string): { status: 'success'; action: 'profile_switched'; old_profile: string; new_profile: string; message: string } {
    const p = requireProfile(name);
    if (this.#offboard.phase !== 'idle') {
      throw new VehicleError('SKYFEED_ERR_FOLLOWING_ACTIVE', 'Cannot switch the follower profile while following is active; stop offboard mode first');
    }
    const old = this.#follower.law.name;
    if (old !== p.name) this.#follower = this.#newFollower(p.name);
    return {
      status: 'success', action: 'profile_switched', old_profile: old, new_profile: p.name,
      message: old === p.name ? `Profile already ${p.name}` : `Follower profile switched from ${old} to ${p.name}`,
    };
  }

  /** The latest telemetry records for the OSD (attitude, speeds, throttle, altitudes, battery, position); a copy. */
  telemetry(): VehicleTelemetry {
    return structuredClone(this.#link.telemetry) as VehicleTelemetry;
  }

  /** The latest camera pose from telemetry (extrapolated to now), written into `out` when given; null before telemetry. */
  pose(out?: CameraPose): CameraPose | null {
    const p = out ?? { north_m: 0, east_m: 0, alt_m: 0, yaw_deg: 0 };
    return poseFromTelemetry(this.#link.telemetry, now(), p) ? p : null;
  }

  /** For /status. */
  status(): Record<string, unknown> {
    return {
      connection: this.#c.vehicle.connection,
      circuit_breaker: this.#circuitBreaker,
      link: this.#link.state,
      offboard: {
        phase: this.#offboard.phase,
        following_active: this.#offboard.following,
        last_stop: this.#offboard.lastStop,
        keepalive: this.#offboard.publisherStats(),
      },
      follower: { profile_name: this.#follower.law.name, loss_phase: this.#follower.lossPhase },
      sim: this.#spec.kind === 'sim' ? { running: this.#sim?.running ?? false, pid: this.#sim?.pid ?? null, exit: this.#simExit } : null,
      fault_injection: this.faults.state(),
    };
  }

  /** Leaves OFFBOARD if following, stops the sim and the link; idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.#offboard.close();
      await this.#sim?.close();
      await this.#link.close();
      this.removeAllListeners();
    })();
    return this.#closed;
  }
}
