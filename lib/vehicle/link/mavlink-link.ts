// The MAVLink link to one autopilot: follows the sender of its HEARTBEAT,
// keeps its telemetry and mode, sends our HEARTBEAT at 1 Hz (as an onboard
// controller), setpoints and COMMAND_LONGs with ACK waits. With a signing
// passphrase every packet out is signed and every packet in must be signed
// with the same key, fresh (no replay); each refusal is counted.

import { common, minimal } from 'node-mavlink';
import type { Setpoint } from '../setpoint.js';
import { TypedEmitter } from '../typed-emitter.js';
import { unknownVehicleState, type VehicleState } from '../vehicle-state.js';
import { VehicleError } from '../vehicle-error.js';
import { wrapDeg360 } from '../camera-pose.js';
import { decodeMessage, MavlinkDecoder, MavlinkEncoder, type RawPacket } from './mavlink-codec.js';
import {
  CUSTOM_MODE_ENABLED, isOffboard, MAV_AUTOPILOT_INVALID, modeText, SAFETY_ARMED, type Px4Mode,
} from './px4-modes.js';
import { SignatureVerifier, signingKey } from './signing.js';
import { emptyTelemetry, type VehicleTelemetry } from './telemetry.js';
import { peerText, type PeerAddress, type Transport } from './transport.js';

export interface LinkOptions {
  transport: Transport;
  /** The vehicle.connection string, for status. */
  connection: string;
  systemId: number;
  componentId: number;
  /** Autopilot system id to follow; 0 = the first autopilot heard. */
  targetSystem: number;
  /** Empty = signing off. */
  signingPassphrase: string;
  heartbeatTimeoutMs: number;
  log?: (line: string) => void;
}

export interface LinkStats {
  packets_in: number;
  packets_out: number;
  send_errors: number;
  rejected: {
    unsigned: number;
    bad_signature: number;
    replay: number;
    crc: number;
    unknown_msgid: number;
    other_system: number;
  };
}

export interface LinkState {
  connection: string;
  transport: string;
  /** Bound UDP port (useful with port 0), null for serial. */
  local_port: number | null;
  connected: boolean;
  peer: string | null;
  last_heartbeat_age_s: number | null;
  system_id: number | null;
  component_id: number | null;
  autopilot: number | null;
  vehicle_type: number | null;
  flight_mode: number | null;
  flight_mode_text: string | null;
  is_offboard: boolean;
  armed: boolean;
  signing: boolean;
  stats: LinkStats;
}

export interface CommandResult {
  accepted: boolean;
  /** MAV_RESULT, null when no ACK came. */
  result: number | null;
  result_text: string;
  attempts: number;
  elapsed_ms: number;
}

export interface LinkEvents {
  connected: [{ system_id: number; component_id: number; peer: string | null }];
  lost: [{ reason: string }];
  mode: [{ from: number | null; to: number; text: string }];
  peer: [PeerAddress];
  error: [Error];
}

const MSG = { HEARTBEAT: 0, SYS_STATUS: 1, ATTITUDE: 30, LOCAL_POSITION_NED: 32, GLOBAL_POSITION_INT: 33, VFR_HUD: 74, COMMAND_ACK: 77 } as const;
const DEG = 180 / Math.PI;
const HEARTBEAT_PERIOD_MS = 1000;
/** How often the heartbeat age is checked: link loss is noticed within this much of the timeout. */
const WATCHDOG_MS = 100;
/** A COMMAND_LONG is resent (confirmation + 1) after this long without an ACK. */
const COMMAND_RETRY_MS = 1000;
/** type_mask for body velocity + yaw rate: ignore position, acceleration and yaw (PX4 offboard convention). */
export const TYPE_MASK_VELOCITY_YAWRATE = 0x5c7;
export const MAV_FRAME_BODY_NED = 8;
/** SET_ATTITUDE_TARGET type_mask: ignore the attitude quaternion, use body rates and thrust. */
export const ATTITUDE_IGNORE = 128;
const MAV_TYPE_ONBOARD_CONTROLLER = 18;
const MAV_STATE_ACTIVE = 4;

export class MavlinkLink extends TypedEmitter<LinkEvents> {
  /** Fixed settings. */
  readonly #o: LinkOptions;
  /** Framing in, serializing (and signing) out. */
  readonly #decoder: MavlinkDecoder;
  readonly #encoder: MavlinkEncoder;
  /** Present when signing is on. */
  readonly #verifier: SignatureVerifier | null;
  /** Latest record per telemetry message. */
  readonly #telemetry: VehicleTelemetry = emptyTelemetry();
  /** Derived state for followers, updated in place. */
  readonly #vehicle: VehicleState = unknownVehicleState();
  /** Packet counters (CRC and unknown-id counts come from the decoder). */
  readonly #stats: LinkStats = {
    packets_in: 0, packets_out: 0, send_errors: 0,
    rejected: { unsigned: 0, bad_signature: 0, replay: 0, crc: 0, unknown_msgid: 0, other_system: 0 },
  };
  /** The autopilot followed (null until its first HEARTBEAT). */
  #target: { sysid: number; compid: number } | null = null;
  /** performance.now() of the autopilot's last HEARTBEAT; connected until heartbeat_timeout after it. */
  #lastHeartbeatAt = -Infinity;
  #connected = false;
  /** Origin of time_boot_ms in our messages. */
  #startedAt = performance.now();
  /** Our 1 Hz HEARTBEAT and the heartbeat-age check. */
  #heartbeatTimer: NodeJS.Timeout | null = null;
  #watchdog: NodeJS.Timeout | null = null;
  /** Pending COMMAND_LONG per command id (one at a time per command: a new one supersedes). */
  readonly #pending = new Map<number, (ack: common.CommandAck | null) => void>();
  /** Waiters for a HEARTBEAT condition (mode confirmation): check → finish; a handful at most. */
  readonly #heartbeatWaiters = new Map<() => void, (ok: boolean) => void>();
  /** Reused outgoing messages (no allocation per setpoint beyond node-mavlink's buffer). */
  readonly #velocityMsg = new common.SetPositionTargetLocalNed();
  readonly #attitudeMsg = new common.SetAttitudeTarget();
  readonly #heartbeatMsg = new minimal.Heartbeat();
  /** Set by close() (idempotent). */
  #closed: Promise<void> | null = null;

  constructor(o: LinkOptions) {
    super();
    this.#o = o;
    this.#decoder = new MavlinkDecoder(!o.transport.datagrams);
    const key = o.signingPassphrase ? signingKey(o.signingPassphrase) : null;
    this.#encoder = new MavlinkEncoder(o.systemId, o.componentId, key ? { key, linkId: 0 } : null);
    this.#verifier = key ? new SignatureVerifier(key) : null;
    if (o.targetSystem > 0) this.#target = { sysid: o.targetSystem, compid: 0 };
    const hb = this.#heartbeatMsg;
    hb.type = MAV_TYPE_ONBOARD_CONTROLLER;
    hb.autopilot = MAV_AUTOPILOT_INVALID;
    hb.baseMode = 0 as minimal.MavModeFlag;
    hb.customMode = 0;
    hb.systemStatus = MAV_STATE_ACTIVE;
    hb.mavlinkVersion = 3;
    const v = this.#velocityMsg;
    v.coordinateFrame = MAV_FRAME_BODY_NED;
    v.typeMask = TYPE_MASK_VELOCITY_YAWRATE as common.PositionTargetTypemask;
    const a = this.#attitudeMsg;
    a.typeMask = ATTITUDE_IGNORE as common.AttitudeTargetTypemask;
    a.q = [1, 0, 0, 0];
    a.thrustBody = [0, 0, 0];
  }

  async start(): Promise<void> {
    try {
      await this.#o.transport.open((data, from) => this.#onData(data, from), (err) => this.#onTransportError(err));
    } catch (err) {
      throw new VehicleError('SKYFEED_ERR_LINK_UNAVAILABLE', `cannot open the vehicle link (${this.#o.transport.description}): ${(err as Error).message}`);
    }
    this.#startedAt = performance.now();
    this.#heartbeatTimer = setInterval(() => this.#sendHeartbeat(), HEARTBEAT_PERIOD_MS);
    this.#watchdog = setInterval(() => this.#checkHeartbeat(), WATCHDOG_MS);
    this.#sendHeartbeat();
  }

  get transport(): Transport {
    return this.#o.transport;
  }

  /** Live telemetry records (do not mutate). */
  get telemetry(): Readonly<VehicleTelemetry> {
    return this.#telemetry;
  }

  /** Live vehicle state for followers (do not mutate). */
  get vehicle(): Readonly<VehicleState> {
    return this.#vehicle;
  }

  get connected(): boolean {
    return this.#connected;
  }

  get state(): LinkState {
    const hb = this.#telemetry.heartbeat;
    const now = performance.now();
    return {
      connection: this.#o.connection,
      transport: this.#o.transport.description,
      local_port: this.#o.transport.localPort,
      connected: this.#connected,
      peer: peerText(this.#o.transport.peer),
      last_heartbeat_age_s: hb ? Math.round(now - this.#lastHeartbeatAt) / 1000 : null,
      system_id: this.#target && hb ? this.#target.sysid : null,
      component_id: this.#target && hb ? this.#target.compid : null,
      autopilot: hb?.autopilot ?? null,
      vehicle_type: hb?.type ?? null,
      flight_mode: hb?.custom_mode ?? null,
      flight_mode_text: hb ? modeText(hb.autopilot, hb.custom_mode) : null,
      is_offboard: this.#vehicle.is_offboard,
      armed: this.#vehicle.armed,
      signing: this.#encoder.signing,
      stats: {
        ...this.#stats,
        rejected: { ...this.#stats.rejected, crc: this.#decoder.counters.crc_errors, unknown_msgid: this.#decoder.counters.unknown_msgid },
      },
    };
  }

  #onTransportError(err: Error): void {
    this.#o.log?.(`vehicle link: ${err.message}`);
    this.emit('error', err);
  }

  #onData(data: Buffer, from: PeerAddress | null): void {
    this.#decoder.push(data, (p) => this.#onPacket(p, from));
  }

  #onPacket(p: RawPacket, from: PeerAddress | null): void {
    this.#stats.packets_in++;
    if (this.#verifier) {
      const verdict = this.#verifier.verifyPacket(p);
      if (verdict !== 'ok') {
        this.#stats.rejected[verdict]++;
        return;
      }
    }
    if (p.msgid === MSG.HEARTBEAT) {
      this.#onHeartbeat(p, from);
      return;
    }
    const t = this.#target;
    if (!t || p.sysid !== t.sysid) {
      this.#stats.rejected.other_system++;
      return;
    }
    const now = performance.now();
    const tel = this.#telemetry;
    const v = this.#vehicle;
    switch (p.msgid) {
      case MSG.ATTITUDE: {
        const m = decodeMessage(p, common.Attitude);
        tel.attitude = {
          at_ms: now, roll_deg: m.roll * DEG, pitch_deg: m.pitch * DEG, yaw_deg: wrapDeg360(m.yaw * DEG),
          rollspeed_deg_s: m.rollspeed * DEG, pitchspeed_deg_s: m.pitchspeed * DEG, yawspeed_deg_s: m.yawspeed * DEG,
        };
        v.roll_deg = tel.attitude.roll_deg;
        v.pitch_deg = tel.attitude.pitch_deg;
        v.yaw_deg = tel.attitude.yaw_deg;
        break;
      }
      case MSG.LOCAL_POSITION_NED: {
        const m = decodeMessage(p, common.LocalPositionNed);
        tel.local_position = { at_ms: now, x: m.x, y: m.y, z: m.z, vx: m.vx, vy: m.vy, vz: m.vz };
        v.alt_m = -m.z;
        v.ground_speed_m_s = Math.hypot(m.vx, m.vy);
        if (v.yaw_deg !== null) {
          const c = Math.cos(v.yaw_deg / DEG);
          const s = Math.sin(v.yaw_deg / DEG);
          v.vel_fwd_m_s = m.vx * c + m.vy * s;
          v.vel_right_m_s = -m.vx * s + m.vy * c;
        }
        break;
      }
      case MSG.GLOBAL_POSITION_INT: {
        const m = decodeMessage(p, common.GlobalPositionInt);
        tel.global_position = {
          at_ms: now, lat_deg: m.lat / 1e7, lon_deg: m.lon / 1e7, alt_m: m.alt / 1000, relative_alt_m: m.relativeAlt / 1000,
          heading_deg: m.hdg === 65535 ? null : m.hdg / 100,
        };
        break;
      }
      case MSG.VFR_HUD: {
        const m = decodeMessage(p, common.VfrHud);
        tel.vfr_hud = {
          at_ms: now, airspeed_m_s: m.airspeed, groundspeed_m_s: m.groundspeed, heading_deg: m.heading,
          throttle_pct: m.throttle, alt_m: m.alt, climb_m_s: m.climb,
        };
        break;
      }
      case MSG.SYS_STATUS: {
        const m = decodeMessage(p, common.SysStatus);
        tel.sys_status = {
          at_ms: now,
          voltage_v: m.voltageBattery === 65535 ? null : m.voltageBattery / 1000,
          current_a: m.currentBattery === -1 ? null : m.currentBattery / 100,
          battery_remaining_pct: m.batteryRemaining === -1 ? null : m.batteryRemaining,
          load_pct: m.load / 10,
          drop_rate_comm_pct: m.dropRateComm / 100,
        };
        break;
      }
      case MSG.COMMAND_ACK: {
        const m = decodeMessage(p, common.CommandAck);
        this.#pending.get(m.command)?.(m);
        break;
      }
    }
  }

  #onHeartbeat(p: RawPacket, from: PeerAddress | null): void {
    const m = decodeMessage(p, minimal.Heartbeat);
    // Ground stations and other companions send HEARTBEATs too; only an autopilot's counts.
    if (m.autopilot === MAV_AUTOPILOT_INVALID) return;
    if (!this.#target) this.#target = { sysid: p.sysid, compid: p.compid };
    const t = this.#target;
    if (p.sysid !== t.sysid) {
      this.#stats.rejected.other_system++;
      return;
    }
    if (t.compid === 0) t.compid = p.compid;
    if (p.compid !== t.compid) return;
    const transport = this.#o.transport;
    const peer = transport.peer;
    if (from && (!peer || peer.address !== from.address || peer.port !== from.port)) {
      transport.setPeer(from);
      if (transport.peer === from) {
        this.#o.log?.(`vehicle link: following the autopilot's HEARTBEAT from ${peerText(from)}`);
        this.emit('peer', from);
      }
    }
    const now = performance.now();
    const prevMode = this.#telemetry.heartbeat?.custom_mode ?? null;
    this.#telemetry.heartbeat = {
      at_ms: now, type: m.type, autopilot: m.autopilot, base_mode: m.baseMode, custom_mode: m.customMode, system_status: m.systemStatus,
    };
    this.#lastHeartbeatAt = now;
    this.#vehicle.armed = (m.baseMode & SAFETY_ARMED) !== 0;
    this.#vehicle.is_offboard = isOffboard(m.customMode);
    if (!this.#connected) {
      this.#connected = true;
      this.#o.log?.(`vehicle link: connected to system ${t.sysid} component ${t.compid} (${modeText(m.autopilot, m.customMode)})`);
      this.emit('connected', { system_id: t.sysid, component_id: t.compid, peer: peerText(transport.peer) });
    }
    if (prevMode !== m.customMode) this.emit('mode', { from: prevMode, to: m.customMode, text: modeText(m.autopilot, m.customMode) });
    for (const check of this.#heartbeatWaiters.keys()) check();
  }

  #checkHeartbeat(): void {
    if (!this.#connected) return;
    const age = performance.now() - this.#lastHeartbeatAt;
    if (age <= this.#o.heartbeatTimeoutMs) return;
    this.#connected = false;
    const reason = `no HEARTBEAT from the autopilot for ${(age / 1000).toFixed(1)} s`;
    this.#o.log?.(`vehicle link: lost (${reason})`);
    this.emit('lost', { reason });
  }

  #sendHeartbeat(): void {
    if (!this.#o.transport.peer) return;
    this.send(this.#heartbeatMsg).catch(() => {});
  }

  /** Encodes (signs) and sends one message; counts it. */
  send(msg: Parameters<MavlinkEncoder['encode']>[0]): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('link closed'));
    let buf: Buffer;
    try {
      buf = this.#encoder.encode(msg);
    } catch (err) {
      this.#stats.send_errors++;
      return Promise.reject(err);
    }
    return this.#o.transport.send(buf).then(
      () => { this.#stats.packets_out++; },
      (err: Error) => { this.#stats.send_errors++; throw err; },
    );
  }

  #targetIds(): { sysid: number; compid: number } {
    const t = this.#target;
    return { sysid: t?.sysid ?? 1, compid: t?.compid || 1 };
  }

  sendSetpoint(sp: Setpoint): Promise<void> {
    const { sysid, compid } = this.#targetIds();
    const timeBootMs = Math.floor(performance.now() - this.#startedAt) >>> 0;
    if (sp.kind === 'velocity_body') {
      const m = this.#velocityMsg;
      m.timeBootMs = timeBootMs;
      m.targetSystem = sysid;
      m.targetComponent = compid;
      m.vx = sp.fwd;
      m.vy = sp.right;
      m.vz = sp.down;
      m.yawRate = sp.yawspeed_deg_s / DEG;
      return this.send(m);
    }
    const m = this.#attitudeMsg;
    m.timeBootMs = timeBootMs;
    m.targetSystem = sysid;
    m.targetComponent = compid;
    m.bodyRollRate = sp.roll_rate / DEG;
    m.bodyPitchRate = sp.pitch_rate / DEG;
    m.bodyYawRate = sp.yaw_rate / DEG;
    m.thrust = sp.thrust;
    return this.send(m);
  }

  /**
   * COMMAND_LONG with ACK: resent (confirmation + 1) every second without an
   * ACK, IN_PROGRESS keeps waiting, until `timeoutMs`.
   */
  async commandLong(command: number, params: readonly number[], timeoutMs: number): Promise<CommandResult> {
    const t0 = performance.now();
    const { sysid, compid } = this.#targetIds();
    const msg = new common.CommandLong();
    msg.targetSystem = sysid;
    msg.targetComponent = compid;
    msg.command = command;
    [msg._param1, msg._param2, msg._param3, msg._param4, msg._param5, msg._param6, msg._param7] = [0, 1, 2, 3, 4, 5, 6].map((i) => params[i] ?? 0);
    this.#pending.get(command)?.(null);
    let attempts = 0;
    let ack: common.CommandAck | null = null;
    try {
      while (!this.#closed) {
        const left = timeoutMs - (performance.now() - t0);
        if (left <= 0) break;
        const wait = new Promise<common.CommandAck | null>((resolve) => {
          const timer = setTimeout(() => resolve(null), Math.min(COMMAND_RETRY_MS, left));
          this.#pending.set(command, (a) => { clearTimeout(timer); resolve(a); });
        });
        msg.confirmation = attempts++ & 0xff;
        await this.send(msg).catch(() => {});
        ack = await wait;
        while (ack && ack.result === common.MavResult.IN_PROGRESS && !this.#closed) {
          const rest = timeoutMs - (performance.now() - t0);
          if (rest <= 0) break;
          ack = await new Promise<common.CommandAck | null>((resolve) => {
            const timer = setTimeout(() => resolve(null), rest);
            this.#pending.set(command, (a) => { clearTimeout(timer); resolve(a); });
          });
        }
        if (ack) break;
      }
    } finally {
      this.#pending.delete(command);
    }
    const elapsed = Math.round(performance.now() - t0);
    if (!ack) return { accepted: false, result: null, result_text: `no COMMAND_ACK within ${timeoutMs} ms`, attempts, elapsed_ms: elapsed };
    const text = common.MavResult[ack.result] ?? `result ${ack.result}`;
    return { accepted: ack.result === common.MavResult.ACCEPTED, result: ack.result, result_text: text, attempts, elapsed_ms: elapsed };
  }

  /** DO_SET_MODE to a PX4 custom mode. */
  setMode(mode: Px4Mode, timeoutMs: number): Promise<CommandResult> {
    return this.commandLong(common.MavCmd.DO_SET_MODE, [CUSTOM_MODE_ENABLED, mode.main, mode.sub], timeoutMs);
  }

  /** Resolves true once a HEARTBEAT satisfies `pred` (checked at once too), false after `timeoutMs`. */
  waitForHeartbeat(pred: (customMode: number) => boolean, timeoutMs: number): Promise<boolean> {
    const hb = this.#telemetry.heartbeat;
    if (hb && this.#connected && pred(hb.custom_mode)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        const h = this.#telemetry.heartbeat;
        if (h && pred(h.custom_mode)) finish(true);
      };
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        this.#heartbeatWaiters.delete(check);
        resolve(ok);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.#heartbeatWaiters.set(check, finish);
    });
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      if (this.#heartbeatTimer) clearInterval(this.#heartbeatTimer);
      if (this.#watchdog) clearInterval(this.#watchdog);
      for (const resolve of this.#pending.values()) resolve(null);
      this.#pending.clear();
      for (const finish of [...this.#heartbeatWaiters.values()]) finish(false);
      await this.#o.transport.close();
      this.removeAllListeners();
    })();
    return this.#closed;
  }
}
