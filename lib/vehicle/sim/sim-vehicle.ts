// The simulated vehicle: a multicopter model that speaks MAVLink 2 over UDP
// the way PX4 SITL does. It listens (14580 by default) and sends to a target
// (14540) until someone talks to it, then replies to that sender; it sends
// HEARTBEAT at 1 Hz with PX4's custom_mode, ATTITUDE and LOCAL_POSITION_NED
// at telemetry_rate_hz, GLOBAL_POSITION_INT, VFR_HUD and SYS_STATUS slower,
// and answers DO_SET_MODE with COMMAND_ACK. PX4's offboard rules: OFFBOARD
// is refused (TEMPORARILY_REJECTED) unless setpoints have streamed for
// offboard_min_stream_s, and a gap of offboard_loss_timeout_s in OFFBOARD
// falls back to offboard_loss_action. It starts airborne, armed, in Hold,
// and never takes off by itself. Every setpoint is checked against the
// configured limits (SetpointChecker) and its mode decisions are journaled,
// so tests can see what reached it and when.

import dgram from 'node:dgram';
import { common, minimal } from 'node-mavlink';
import type { CameraPose } from '../camera-pose.js';
import { wrapDeg180 } from '../camera-pose.js';
import type { Limits } from '../followers/limits.js';
import { decodeMessage, MavlinkDecoder, MavlinkEncoder, type RawPacket } from '../link/mavlink-codec.js';
import { MAV_FRAME_BODY_NED } from '../link/mavlink-link.js';
import {
  CUSTOM_MODE_ENABLED, decodePx4Mode, MAV_AUTOPILOT_PX4, MODES, PX4_AUTO, PX4_MAIN, px4CustomMode, px4ModeText, SAFETY_ARMED, type Px4Mode,
} from '../link/px4-modes.js';
import { SignatureVerifier, signingKey } from '../link/signing.js';
import { peerText, type PeerAddress } from '../link/transport.js';
import { RateMeter } from '../rate-meter.js';
import { MulticopterModel, type ModelCommand, type ModelOptions } from './multicopter-model.js';
import { SetpointChecker, type CheckerStats } from './setpoint-checker.js';

export interface SimVehicleOptions {
  listenHost: string;
  /** 0 = any free port. */
  listenPort: number;
  targetHost: string;
  targetPort: number;
  systemId: number;
  componentId: number;
  startAltitudeM: number;
  startYawDeg: number;
  model: ModelOptions;
  telemetryRateHz: number;
  offboardMinStreamS: number;
  offboardLossTimeoutS: number;
  offboardLossAction: 'hold' | 'land' | 'rtl';
  /** Every setpoint is judged against these. */
  limits: Limits;
  /** Empty = signing off. */
  signingPassphrase: string;
  faultInjection: boolean;
  log?: (line: string) => void;
}

export interface JournalEntry {
  /** Epoch ms (µs precision), comparable across processes on one machine. */
  at_ms: number;
  kind: string;
  [detail: string]: unknown;
}

export interface SimStats {
  mode: number;
  mode_text: string;
  armed: boolean;
  on_ground: boolean;
  pose: CameraPose;
  velocity_ned: [number, number, number];
  peer: string | null;
  setpoints: {
    received: number;
    velocity: number;
    attitude: number;
    /** Arrival rate over the last 2 s (0 when fewer than 2 arrived). */
    rate_hz: number;
    /** Largest gap between setpoints while in OFFBOARD, ms. */
    max_gap_in_offboard_ms: number;
    last_age_ms: number | null;
  };
  limits: CheckerStats;
  commands: { received: number; do_set_mode: number; offboard_accepted: number; offboard_rejected: number };
  link: { dropped: boolean; drops: number; packets_in: number; packets_out: number; discarded_while_dropped: number;
    rejected: { unsigned: number; bad_signature: number; replay: number; crc: number } };
  ground_contacts: number;
}

/** Journal entries kept (oldest dropped): a test run produces a few dozen mode-related entries. */
export const JOURNAL_SIZE = 256;
/** Setpoint arrivals kept for the rate: 3 s at 20 Hz, for a 2 s window. */
const RATE_RING = 64;
const RATE_WINDOW_MS = 2000;
const PHYSICS_MS = 10;
const HEARTBEAT_MS = 1000;
const GLOBAL_MS = 200;
const HUD_MS = 250;
const SYS_STATUS_MS = 1000;
/** Hold: horizontal speed per metre off the hold point (1/s) and its cap (m/s), like PX4's position controller. */
const HOLD_GAIN = 0.8;
/** Another sender becomes the peer after the current one was silent this long. */
const PEER_SILENCE_MS = 5000;
const HOLD_MAX_SPEED = 2;
const LAND_SPEED = 0.7;
const RTL_ALT_M = 30;
const RTL_SPEED = 5;
/** PX4 SITL's default home. */
const HOME = { lat: 47.397742, lon: 8.545594, amsl: 488 };
const EARTH_R = 6_371_000;
const MSG = { HEARTBEAT: 0, SET_ATTITUDE_TARGET: 82, SET_POSITION_TARGET_LOCAL_NED: 84, COMMAND_LONG: 76 } as const;
const DEG = 180 / Math.PI;
const epochMs = () => performance.timeOrigin + performance.now();

interface Counters {
  received: number;
  velocity: number;
  attitude: number;
  commands: number;
  do_set_mode: number;
  offboard_accepted: number;
  offboard_rejected: number;
}

type LatestSetpoint =
  | { kind: 'velocity'; frame: number; vx: number; vy: number; vz: number; yawRateDegS: number }
  | { kind: 'rates'; rollDegS: number; pitchDegS: number; yawDegS: number; thrust: number };

export class SimVehicle {
  /** Fixed settings. */
  readonly #o: SimVehicleOptions;
  /** The airframe, and the referee of every setpoint. */
  readonly #model: MulticopterModel;
  readonly #checker: SetpointChecker;
  /** MAVLink in and out, signature checks when signing is on. */
  readonly #decoder = new MavlinkDecoder(false);
  readonly #encoder: MavlinkEncoder;
  readonly #verifier: SignatureVerifier | null;
  /** The UDP socket; null before start(). */
  #socket: dgram.Socket | null = null;
  /** Where telemetry goes: the configured target until someone talks to us, then the latest sender. */
  #peer: PeerAddress;
  #peerLearned = false;
  /** performance.now() the peer was last heard from. */
  #peerHeardAt = -Infinity;
  /** PX4 custom_mode; armed state; where Hold holds; RTL progress. */
  #mode = px4CustomMode(MODES.hold.main, MODES.hold.sub);
  #armed = true;
  #hold = { north: 0, east: 0, alt: 0 };
  #rtlPhase: 'climb' | 'return' = 'climb';
  /** RTL flies home at this altitude (the higher of the current one and RTL_ALT_M, as PX4's RTL_RETURN_ALT). */
  #rtlAlt = RTL_ALT_M;
  /** The latest accepted setpoint (flown in OFFBOARD). */
  #latest: LatestSetpoint | null = null;
  /** performance.now() of the latest setpoint, of the start of the current stream. */
  #lastSetpointAt = -Infinity;
  #streamStart = -Infinity;
  /** Non-zero setpoints since the stream began; whether the last one was zero (journal). */
  #nonzeroInStream = 0;
  #lastWasZero = true;
  /** Setpoint rate, and the largest gap while in OFFBOARD. */
  readonly #arrivals = new RateMeter(RATE_RING, RATE_WINDOW_MS);
  #maxGapInOffboard = 0;
  /** Mode decisions and notable events (JOURNAL_SIZE). */
  readonly #journal: JournalEntry[] = [];
  /** Setpoint, command and link counters for stats(). */
  readonly #counters: Counters = { received: 0, velocity: 0, attitude: 0, commands: 0, do_set_mode: 0, offboard_accepted: 0, offboard_rejected: 0 };
  readonly #link = { drops: 0, packets_in: 0, packets_out: 0, discarded: 0, rejected: { unsigned: 0, bad_signature: 0, replay: 0 } };
  /** Touchdowns outside a landing (a crash in real life). */
  #groundContacts = 0;
  /** Fault injection: performance.now() until which the link is dead. */
  #dropUntil = -Infinity;
  /** The physics timer and its last step. */
  #timers: NodeJS.Timeout[] = [];
  #lastStepAt = 0;
  /** start() time (time_boot_ms) and when each telemetry message is next due. */
  #startedAt = 0;
  #nextTelemetryAt = 0;
  #nextHeartbeatAt = 0;
  #nextGlobalAt = 0;
  #nextHudAt = 0;
  #nextSysAt = 0;
  /** Reused outgoing messages. */
  readonly #msgs = {
    heartbeat: new minimal.Heartbeat(), attitude: new common.Attitude(), local: new common.LocalPositionNed(),
    global: new common.GlobalPositionInt(), hud: new common.VfrHud(), sys: new common.SysStatus(), ack: new common.CommandAck(),
  };
  /** Set by close() (idempotent). */
  #closed: Promise<void> | null = null;

  constructor(o: SimVehicleOptions) {
    this.#o = o;
    this.#model = new MulticopterModel(o.model, o.startAltitudeM, o.startYawDeg);
    this.#hold = { north: 0, east: 0, alt: o.startAltitudeM };
    this.#checker = new SetpointChecker(o.limits, (v) => {
      this.#note('violation', { violation: v.kind, detail: v.detail });
      o.log?.(`sim-vehicle: LIMIT VIOLATION ${v.kind}: ${v.detail}`);
    });
    const key = o.signingPassphrase ? signingKey(o.signingPassphrase) : null;
    this.#encoder = new MavlinkEncoder(o.systemId, o.componentId, key ? { key, linkId: 0 } : null);
    this.#verifier = key ? new SignatureVerifier(key) : null;
    this.#peer = { address: o.targetHost, port: o.targetPort };
    const hb = this.#msgs.heartbeat;
    hb.type = 2 as minimal.MavType; // MAV_TYPE_QUADROTOR
    hb.autopilot = MAV_AUTOPILOT_PX4 as minimal.MavAutopilot;
    hb.mavlinkVersion = 3;
  }

  /** Binds and starts the physics; resolves with the bound port. */
  async start(): Promise<number> {
    const socket = dgram.createSocket('udp4');
    this.#socket = socket;
    socket.on('message', (msg, rinfo) => this.#onDatagram(msg, { address: rinfo.address, port: rinfo.port }));
    socket.on('error', (err) => this.#o.log?.(`sim-vehicle: socket error: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.#o.listenPort, this.#o.listenHost, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const now = performance.now();
    this.#startedAt = now;
    this.#lastStepAt = now;
    this.#timers.push(setInterval(() => this.#step(), PHYSICS_MS));
    this.#note('start', { mode: px4ModeText(this.#mode), altitude_m: this.#o.startAltitudeM });
    return socket.address().port;
  }

  get port(): number | null {
    return this.#socket ? this.#socket.address().port : null;
  }

  pose(): CameraPose {
    const s = this.#model.state;
    return { north_m: s.north, east_m: s.east, alt_m: -s.down, yaw_deg: s.yaw_deg };
  }

  stats(): SimStats {
    const s = this.#model.state;
    const now = performance.now();
    const c = this.#counters;
    const l = this.#link;
    return {
      mode: this.#mode,
      mode_text: px4ModeText(this.#mode),
      armed: this.#armed,
      on_ground: s.on_ground,
      pose: this.pose(),
      velocity_ned: [s.vn, s.ve, s.vd],
      peer: peerText(this.#peer),
      setpoints: {
        received: c.received, velocity: c.velocity, attitude: c.attitude, rate_hz: this.#arrivals.rate(now),
        max_gap_in_offboard_ms: Math.round(this.#maxGapInOffboard * 10) / 10,
        last_age_ms: c.received ? Math.round(now - this.#lastSetpointAt) : null,
      },
      limits: this.#checker.stats,
      commands: { received: c.commands, do_set_mode: c.do_set_mode, offboard_accepted: c.offboard_accepted, offboard_rejected: c.offboard_rejected },
      link: {
        dropped: now < this.#dropUntil, drops: l.drops, packets_in: l.packets_in, packets_out: l.packets_out,
        discarded_while_dropped: l.discarded, rejected: { ...l.rejected, crc: this.#decoder.counters.crc_errors },
      },
      ground_contacts: this.#groundContacts,
    };
  }

  journal(): JournalEntry[] {
    return this.#journal.slice();
  }

  /** Clears counters, the journal and limit statistics (not the flight state). */
  resetStats(): void {
    for (const k of Object.keys(this.#counters) as (keyof Counters)[]) this.#counters[k] = 0;
    this.#checker.reset();
    this.#journal.length = 0;
    this.#arrivals.reset();
    this.#maxGapInOffboard = 0;
  }

  /** Fault injection: the link goes dead (nothing in, nothing out) for `seconds`. */
  dropLink(seconds: number): void {
    if (!this.#o.faultInjection) throw new Error('fault injection is disabled (sim.fault_injection: false)');
    if (!(seconds > 0 && seconds <= 600)) throw new RangeError(`drop_link seconds must be within (0, 600], got ${seconds}`);
    this.#dropUntil = performance.now() + seconds * 1000;
    this.#link.drops++;
    this.#note('link_drop', { seconds });
    this.#o.log?.(`sim-vehicle: fault injection: link dropped for ${seconds} s`);
  }

  #note(kind: string, detail: Record<string, unknown> = {}): void {
    if (this.#journal.length >= JOURNAL_SIZE) this.#journal.shift();
    this.#journal.push({ at_ms: epochMs(), kind, ...detail });
  }

  #dropped(now: number): boolean {
    if (now < this.#dropUntil) return true;
    if (this.#dropUntil !== -Infinity) {
      this.#dropUntil = -Infinity;
      this.#note('link_restore');
      this.#o.log?.('sim-vehicle: fault injection: link restored');
    }
    return false;
  }

  #onDatagram(data: Buffer, from: PeerAddress): void {
    if (this.#dropped(performance.now())) {
      this.#link.discarded++;
      return;
    }
    this.#decoder.push(data, (p) => this.#onPacket(p, from));
  }

  #onPacket(p: RawPacket, from: PeerAddress): void {
    this.#link.packets_in++;
    if (this.#verifier) {
      const verdict = this.#verifier.verifyPacket(p);
      if (verdict !== 'ok') {
        this.#link.rejected[verdict]++;
        return;
      }
    }
    // Like a PX4 MAVLink instance: telemetry goes to the first client that
    // talks to it; another sender takes over only after the client has been
    // silent for PEER_SILENCE_MS (a restarted companion gets a new port).
    const now = performance.now();
    const samePeer = this.#peer.address === from.address && this.#peer.port === from.port;
    if (!samePeer && (!this.#peerLearned || now - this.#peerHeardAt > PEER_SILENCE_MS)) {
      this.#peer = from;
      this.#o.log?.(`sim-vehicle: peer ${peerText(from)}`);
    }
    if (samePeer || this.#peer === from) {
      this.#peerLearned = true;
      this.#peerHeardAt = now;
    }
    switch (p.msgid) {
      case MSG.SET_POSITION_TARGET_LOCAL_NED: {
        const m = decodeMessage(p, common.SetPositionTargetLocalNed);
        if (m.targetSystem !== this.#o.systemId) return;
        const ok = this.#checker.checkVelocity(
          { frame: m.coordinateFrame, typeMask: m.typeMask, vx: m.vx, vy: m.vy, vz: m.vz, yawRateRadS: m.yawRate }, this.#model.altitude);
        this.#counters.velocity++;
        if (ok) this.#onSetpoint({ kind: 'velocity', frame: m.coordinateFrame, vx: m.vx, vy: m.vy, vz: m.vz, yawRateDegS: m.yawRate * DEG });
        break;
      }
      case MSG.SET_ATTITUDE_TARGET: {
        const m = decodeMessage(p, common.SetAttitudeTarget);
        if (m.targetSystem !== this.#o.systemId) return;
        const ok = this.#checker.checkAttitude({
          typeMask: m.typeMask, rollRadS: m.bodyRollRate, pitchRadS: m.bodyPitchRate, yawRadS: m.bodyYawRate, thrust: m.thrust,
        });
        this.#counters.attitude++;
        if (ok) this.#onSetpoint({ kind: 'rates', rollDegS: m.bodyRollRate * DEG, pitchDegS: m.bodyPitchRate * DEG, yawDegS: m.bodyYawRate * DEG, thrust: m.thrust });
        break;
      }
      case MSG.COMMAND_LONG: {
        const m = decodeMessage(p, common.CommandLong);
        if (m.targetSystem !== this.#o.systemId) return;
        this.#counters.commands++;
        this.#onCommand(m, p.sysid, p.compid, from);
        break;
      }
    }
  }

  #onSetpoint(sp: LatestSetpoint): void {
    const now = performance.now();
    const gap = now - this.#lastSetpointAt;
    if (gap > this.#o.offboardLossTimeoutS * 1000) {
      this.#streamStart = now;
      this.#nonzeroInStream = 0;
      this.#note('setpoint_stream_start');
    } else if (decodePx4Mode(this.#mode).main === PX4_MAIN.OFFBOARD && gap > this.#maxGapInOffboard) {
      this.#maxGapInOffboard = gap;
    }
    const zero = sp.kind === 'velocity'
      ? sp.vx === 0 && sp.vy === 0 && sp.vz === 0 && sp.yawRateDegS === 0
      : sp.rollDegS === 0 && sp.pitchDegS === 0 && sp.yawDegS === 0;
    if (!zero) this.#nonzeroInStream++;
    if (zero && !this.#lastWasZero) this.#note('zero_after_motion');
    this.#lastWasZero = zero;
    this.#latest = sp;
    this.#lastSetpointAt = now;
    this.#counters.received++;
    this.#arrivals.mark(now);
  }

  #onCommand(m: common.CommandLong, sysid: number, compid: number, from: PeerAddress): void {
    let result: common.MavResult;
    if (m.command === common.MavCmd.DO_SET_MODE) {
      this.#counters.do_set_mode++;
      result = this.#setModeCommand(m._param1, m._param2, m._param3);
    } else {
      result = common.MavResult.UNSUPPORTED;
      this.#note('command', { command: m.command, result: common.MavResult[result] });
    }
    const ack = this.#msgs.ack;
    ack.command = m.command;
    ack.result = result;
    ack.progress = 0;
    ack.resultParam2 = 0;
    ack.targetSystem = sysid;
    ack.targetComponent = compid;
    // The ACK goes back to whoever asked (a ground station on another port included).
    this.#send(ack, from);
  }

  #setModeCommand(baseMode: number, main: number, sub: number): common.MavResult {
    const now = performance.now();
    const requested = px4ModeText(px4CustomMode(main, sub));
    const last = this.#latest;
    const detail = {
      requested,
      stream_s: Number.isFinite(this.#streamStart) && now - this.#lastSetpointAt <= this.#o.offboardLossTimeoutS * 1000
        ? Math.round(now - this.#streamStart) / 1000 : 0,
      nonzero_before: this.#nonzeroInStream,
      last_setpoint_zero: this.#lastWasZero,
      last_setpoint_age_ms: last ? Math.round(now - this.#lastSetpointAt) : null,
    };
    let result: common.MavResult;
    let why = '';
    if ((baseMode & CUSTOM_MODE_ENABLED) === 0) { result = common.MavResult.DENIED; why = 'param1 lacks MAV_MODE_FLAG_CUSTOM_MODE_ENABLED'; }
    else if (main === PX4_MAIN.OFFBOARD) {
      if (!this.#armed) { result = common.MavResult.DENIED; why = 'disarmed'; }
      else if (detail.stream_s < this.#o.offboardMinStreamS) {
        result = common.MavResult.TEMPORARILY_REJECTED;
        why = `setpoints streamed for ${detail.stream_s} s, OFFBOARD needs ${this.#o.offboardMinStreamS} s`;
      } else result = common.MavResult.ACCEPTED;
      if (result === common.MavResult.ACCEPTED) this.#counters.offboard_accepted++;
      else this.#counters.offboard_rejected++;
    } else if (main === PX4_MAIN.POSCTL || (main === PX4_MAIN.AUTO && sub === PX4_AUTO.LOITER)) {
      result = common.MavResult.ACCEPTED;
    } else if (main === PX4_MAIN.AUTO && (sub === PX4_AUTO.LAND || sub === PX4_AUTO.RTL)) {
      result = this.#armed ? common.MavResult.ACCEPTED : common.MavResult.DENIED;
      if (!this.#armed) why = 'disarmed';
    } else { result = common.MavResult.DENIED; why = 'mode not supported by the simulated vehicle'; }
    this.#note('mode_command', { ...detail, result: common.MavResult[result], ...(why ? { why } : {}) });
    if (result === common.MavResult.ACCEPTED) this.#enterMode({ main, sub: main === PX4_MAIN.AUTO ? sub : 0 }, 'commanded');
    return result;
  }

  #enterMode(m: Px4Mode, reason: string): void {
    const next = px4CustomMode(m.main, m.sub);
    if (next === this.#mode) return;
    const from = px4ModeText(this.#mode);
    this.#mode = next;
    const s = this.#model.state;
    if (m.main === PX4_MAIN.POSCTL || (m.main === PX4_MAIN.AUTO && m.sub === PX4_AUTO.LOITER)) {
      this.#hold = { north: s.north, east: s.east, alt: -s.down };
    }
    if (m.main === PX4_MAIN.AUTO && m.sub === PX4_AUTO.RTL) {
      this.#rtlPhase = 'climb';
      this.#rtlAlt = Math.max(-s.down, RTL_ALT_M);
    }
    this.#note('mode_change', { from, to: px4ModeText(next), reason });
    this.#o.log?.(`sim-vehicle: mode ${from} -> ${px4ModeText(next)} (${reason})`);
  }

  #command(): ModelCommand {
    const s = this.#model.state;
    const { main, sub } = decodePx4Mode(this.#mode);
    if (main === PX4_MAIN.OFFBOARD && this.#latest) {
      const sp = this.#latest;
      if (sp.kind === 'rates') return { kind: 'rates', rollDegS: sp.rollDegS, pitchDegS: sp.pitchDegS, yawDegS: sp.yawDegS, thrust: sp.thrust };
      if (sp.frame !== MAV_FRAME_BODY_NED) return { kind: 'velocity', vn: sp.vx, ve: sp.vy, vd: sp.vz, yawRateDegS: sp.yawRateDegS };
      // MAV_FRAME_BODY_NED: forward/right in the heading-aligned level frame.
      const c = Math.cos(s.yaw_deg / DEG);
      const si = Math.sin(s.yaw_deg / DEG);
      return { kind: 'velocity', vn: sp.vx * c - sp.vy * si, ve: sp.vx * si + sp.vy * c, vd: sp.vz, yawRateDegS: sp.yawRateDegS };
    }
    if (main === PX4_MAIN.AUTO && sub === PX4_AUTO.LAND) return { kind: 'velocity', vn: 0, ve: 0, vd: LAND_SPEED, yawRateDegS: 0 };
    if (main === PX4_MAIN.AUTO && sub === PX4_AUTO.RTL) {
      const alt = -s.down;
      if (this.#rtlPhase === 'climb' && alt < this.#rtlAlt - 0.5) return { kind: 'velocity', vn: 0, ve: 0, vd: -2, yawRateDegS: 0 };
      this.#rtlPhase = 'return';
      const d = Math.hypot(s.north, s.east);
      if (d < 1) {
        this.#enterMode(MODES.land, 'RTL reached home');
        return { kind: 'velocity', vn: 0, ve: 0, vd: LAND_SPEED, yawRateDegS: 0 };
      }
      const v = Math.min(RTL_SPEED, d * HOLD_GAIN) / d;
      return { kind: 'velocity', vn: -s.north * v, ve: -s.east * v, vd: Math.max(-2, Math.min(2, (this.#rtlAlt - alt) * -HOLD_GAIN)), yawRateDegS: 0 };
    }
    // Hold / Position (no sticks): go back to the hold point.
    const dn = this.#hold.north - s.north;
    const de = this.#hold.east - s.east;
    const d = Math.hypot(dn, de);
    const k = d > 0 ? Math.min(HOLD_MAX_SPEED, d * HOLD_GAIN) / d : 0;
    const dz = -this.#hold.alt - s.down;
    return { kind: 'velocity', vn: dn * k, ve: de * k, vd: Math.max(-HOLD_MAX_SPEED, Math.min(HOLD_MAX_SPEED, dz * HOLD_GAIN)), yawRateDegS: 0 };
  }

  #step(): void {
    const now = performance.now();
    const dt = Math.min((now - this.#lastStepAt) / 1000, 0.05);
    this.#lastStepAt = now;
    const main = decodePx4Mode(this.#mode).main;
    if (main === PX4_MAIN.OFFBOARD && now - this.#lastSetpointAt > this.#o.offboardLossTimeoutS * 1000) {
      const action = this.#o.offboardLossAction === 'hold' ? MODES.hold : MODES[this.#o.offboardLossAction];
      this.#enterMode(action, `offboard setpoints lost for ${this.#o.offboardLossTimeoutS} s (failsafe)`);
    }
    if (this.#armed) {
      const wasOnGround = this.#model.state.on_ground;
      this.#model.step(dt, this.#command());
      const s = this.#model.state;
      if (s.on_ground && !wasOnGround) {
        const { main: m2, sub } = decodePx4Mode(this.#mode);
        if (m2 === PX4_MAIN.AUTO && sub === PX4_AUTO.LAND) {
          this.#armed = false;
          this.#note('landed');
          this.#o.log?.('sim-vehicle: landed, disarmed');
        } else {
          this.#groundContacts++;
          this.#note('ground_contact', { mode: px4ModeText(this.#mode) });
          this.#o.log?.('sim-vehicle: GROUND CONTACT outside a landing');
        }
      }
    }
    this.#publish(now);
  }

  #publish(now: number): void {
    if (this.#dropped(now)) return;
    if (now >= this.#nextHeartbeatAt) { this.#nextHeartbeatAt = now + HEARTBEAT_MS; this.#sendHeartbeat(); }
    if (now >= this.#nextTelemetryAt) {
      this.#nextTelemetryAt = Math.max(this.#nextTelemetryAt + 1000 / this.#o.telemetryRateHz, now - 1000 / this.#o.telemetryRateHz);
      this.#sendAttitudeAndPosition(now);
    }
    if (now >= this.#nextGlobalAt) { this.#nextGlobalAt = now + GLOBAL_MS; this.#sendGlobal(now); }
    if (now >= this.#nextHudAt) { this.#nextHudAt = now + HUD_MS; this.#sendHud(); }
    if (now >= this.#nextSysAt) { this.#nextSysAt = now + SYS_STATUS_MS; this.#sendSysStatus(now); }
  }

  #timeBoot(now: number): number {
    return Math.floor(now - this.#startedAt) >>> 0;
  }

  #sendHeartbeat(): void {
    const hb = this.#msgs.heartbeat;
    const { main } = decodePx4Mode(this.#mode);
    // CUSTOM_MODE_ENABLED | STABILIZE, GUIDED and AUTO flags as PX4 sets them, ARMED while armed.
    let base = CUSTOM_MODE_ENABLED | 16;
    if (main === PX4_MAIN.OFFBOARD || main === PX4_MAIN.AUTO || main === PX4_MAIN.POSCTL) base |= 8;
    if (main === PX4_MAIN.AUTO) base |= 4;
    if (this.#armed) base |= SAFETY_ARMED;
    hb.baseMode = base as minimal.MavModeFlag;
    hb.customMode = this.#mode;
    hb.systemStatus = (this.#armed ? 4 : 3) as minimal.MavState; // ACTIVE / STANDBY
    this.#send(hb);
  }

  #sendAttitudeAndPosition(now: number): void {
    const s = this.#model.state;
    const a = this.#msgs.attitude;
    a.timeBootMs = this.#timeBoot(now);
    a.roll = s.roll_deg / DEG;
    a.pitch = s.pitch_deg / DEG;
    a.yaw = wrapDeg180(s.yaw_deg) / DEG;
    a.rollspeed = s.roll_rate_deg_s / DEG;
    a.pitchspeed = s.pitch_rate_deg_s / DEG;
    a.yawspeed = s.yaw_rate_deg_s / DEG;
    this.#send(a);
    const l = this.#msgs.local;
    l.timeBootMs = a.timeBootMs;
    l.x = s.north; l.y = s.east; l.z = s.down;
    l.vx = s.vn; l.vy = s.ve; l.vz = s.vd;
    this.#send(l);
  }

  #sendGlobal(now: number): void {
    const s = this.#model.state;
    const g = this.#msgs.global;
    g.timeBootMs = this.#timeBoot(now);
    g.lat = Math.round((HOME.lat + (s.north / EARTH_R) * DEG) * 1e7);
    g.lon = Math.round((HOME.lon + (s.east / (EARTH_R * Math.cos(HOME.lat / DEG))) * DEG) * 1e7);
    g.alt = Math.round((HOME.amsl - s.down) * 1000);
    g.relativeAlt = Math.round(-s.down * 1000);
    g.vx = Math.round(s.vn * 100); g.vy = Math.round(s.ve * 100); g.vz = Math.round(s.vd * 100);
    g.hdg = Math.round(s.yaw_deg * 100) % 36000;
    this.#send(g);
  }

  #sendHud(): void {
    const s = this.#model.state;
    const h = this.#msgs.hud;
    h.groundspeed = Math.hypot(s.vn, s.ve);
    h.airspeed = h.groundspeed;
    h.heading = Math.round(s.yaw_deg) % 360;
    h.throttle = this.#armed ? 50 : 0;
    h.alt = HOME.amsl - s.down;
    h.climb = -s.vd;
    this.#send(h);
  }

  #sendSysStatus(now: number): void {
    const m = this.#msgs.sys;
    // A battery that drains 1 % a minute from 100 %, never below 20 %: enough for an OSD to show.
    const pct = Math.max(20, 100 - Math.floor((now - this.#startedAt) / 60_000));
    m.voltageBattery = Math.round(14000 + 2200 * (pct / 100));
    m.currentBattery = this.#armed ? 1200 : 0;
    m.batteryRemaining = pct;
    m.load = 250;
    this.#send(m);
  }

  #send(msg: Parameters<MavlinkEncoder['encode']>[0], to: PeerAddress = this.#peer): void {
    const socket = this.#socket;
    if (!socket || this.#closed) return;
    const buf = this.#encoder.encode(msg);
    socket.send(buf, to.port, to.address, (err) => {
      if (!err) this.#link.packets_out++;
    });
  }

  close(): Promise<void> {
    this.#closed ??= new Promise((resolve) => {
      for (const t of this.#timers) clearInterval(t);
      this.#timers = [];
      const s = this.#socket;
      if (!s) return resolve();
      s.close(() => resolve());
    });
    return this.#closed;
  }
}
