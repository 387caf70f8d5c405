// WebRTC fan-out: the access units of one encode go to every peer, each
// through its own packetizer. A peer joining mid-stream first gets the cached
// GOP (last IDR and every frame after it, so the decoder has the right
// references), then live frames. Peers that stop taking frames skip to the
// next IDR and are closed after stalledTimeoutMs; peers that never connect
// are closed after connectTimeoutMs. The encoder runs while peers exist
// (through the optional demand gate). Everything per peer is fixed-size.

import { randomUUID } from 'node:crypto';
import type { AccessUnit, AccessUnitSource } from '../../encode/h264/access-unit.js';
import type { H264EncoderStats } from '../../encode/h264/h264-encoder.js';
import { profileLevelId } from '../../encode/h264/h264-level.js';
import type { H264ProfileName } from './sdp.js';
import { WebRtcError } from './webrtc-errors.js';
import { WebRtcPeer, type CloseReason, type PeerConfig, type PeerKind, type PeerStats } from './webrtc-peer.js';
import { logConnect, logDisconnect } from '../connection-log.js';

export interface WebRtcFanoutOptions {
  /** The picture as encoded: its size and rate set the announced H.264 level. */
  width: number;
  height: number;
  fps: number;
  /** webrtc.max_peers (default 20). */
  maxPeers?: number;
  /** A connected peer that takes no frame / sends no RTCP this long is closed (default 10000 ms). */
  stalledTimeoutMs?: number;
  /** A peer whose video never opens is closed after this (default 15000 ms). */
  connectTimeoutMs?: number;
  /** STUN/TURN URLs (default none: LAN and loopback need only host candidates). */
  iceServers?: string[];
  /** UDP port range for ICE (default 0/0: ephemeral). */
  portRangeBegin?: number;
  portRangeEnd?: number;
  /** Address ICE binds to (default all). */
  bindAddress?: string;
  /** Must match the encoder's profile (default baseline). */
  profile?: H264ProfileName;
  /**
   * RTP packets kept per peer for NACKs (default 256: ~2.5 s at 1 Mbit/s,
   * far beyond any useful retransmission, ~300 KB per peer at most).
   */
  nackHistoryPackets?: number;
  /** Largest RTP payload (default 1200 bytes: fits a 1280-byte path MTU with SRTP). */
  maxFragmentBytes?: number;
  /** Telemetry messages per second at most (default 30). */
  telemetryMaxHz?: number;
  /** Telemetry skipped for a peer while its channel holds more than this (default 64 KiB). */
  telemetryMaxBufferedBytes?: number;
  /** Keeps the encoder running while peers exist: acquire() per peer, its release on close. */
  demand?: { acquire(): () => void };
}

/** Hooks of whoever created the peer (signaling session, WHEP). */
export interface PeerHooks {
  candidate?(candidate: string, mid: string): void;
  closed?(reason: CloseReason): void;
}

/** Telemetry for the data channel: which frame the data belongs to, plus any JSON fields. */
export interface TelemetryMessage {
  frame_id: number;
  [key: string]: unknown;
}

/** Signaling counters shared by every SignalingSession of this fan-out. */
export interface SignalingCounters {
  messages: number;
  /** Malformed, unknown or out-of-order messages answered with `error`. */
  errors: number;
  /** Messages over the size limit. */
  oversized: number;
  /** mDNS (.local) candidates dropped. */
  mdns_dropped: number;
}

export interface WebRtcStats {
  peers: number;
  max_peers: number;
  peers_total: number;
  rejected_full: number;
  stalled_closed: number;
  connect_timeouts: number;
  keyframe_requests: number;
  telemetry: { sent: number; skipped_rate: number; skipped_backpressure: number };
  signaling: SignalingCounters;
  encoder?: Pick<H264EncoderStats, 'state' | 'fps' | 'kbps' | 'keyframes' | 'restarts' | 'last_error'>;
  peer_list: PeerStats[];
}

export class WebRtcFanout {
  readonly #source: AccessUnitSource;
  readonly #cfg: PeerConfig;
  readonly #maxPeers: number;
  readonly #stalledTimeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #telemetryIntervalMs: number;
  readonly #demand: { acquire(): () => void } | null;
  /** Live peers by id, and the same peers as an array for the per-frame loop (no iterator per frame). */
  readonly #byId = new Map<string, WebRtcPeer>();
  readonly #list: WebRtcPeer[] = [];
  readonly #releases = new Map<WebRtcPeer, () => void>();
  readonly #unsubscribe: () => void;
  readonly #ticker: NodeJS.Timeout;
  #lastTick = performance.now();
  #lastTelemetry = -Infinity;
  #closed = false;
  readonly signaling: SignalingCounters = { messages: 0, errors: 0, oversized: 0, mdns_dropped: 0 };
  #counters = {
    peers_total: 0, rejected_full: 0, stalled_closed: 0, connect_timeouts: 0, keyframe_requests: 0,
    telemetry_sent: 0, telemetry_skipped_rate: 0, telemetry_skipped_backpressure: 0,
  };

  constructor(source: AccessUnitSource, o: WebRtcFanoutOptions) {
    const int = (name: string, v: number, min: number, max: number) => {
      if (!Number.isInteger(v) || v < min || v > max) throw new TypeError(`webrtc ${name} must be an integer in ${min}..${max} (got ${v})`);
      return v;
    };
    const profile = o.profile ?? 'baseline';
    this.#source = source;
    this.#maxPeers = int('max_peers', o.maxPeers ?? 20, 1, 1000);
    this.#stalledTimeoutMs = int('stalledTimeoutMs', o.stalledTimeoutMs ?? 10_000, 100, 3_600_000);
    this.#connectTimeoutMs = int('connectTimeoutMs', o.connectTimeoutMs ?? 15_000, 100, 3_600_000);
    this.#telemetryIntervalMs = 1000 / int('telemetryMaxHz', o.telemetryMaxHz ?? 30, 1, 1000);
    this.#demand = o.demand ?? null;
    this.#cfg = {
      iceServers: o.iceServers ?? [],
      portRangeBegin: int('portRangeBegin', o.portRangeBegin ?? 0, 0, 65535),
      portRangeEnd: int('portRangeEnd', o.portRangeEnd ?? 0, 0, 65535),
      bindAddress: o.bindAddress ?? '',
      profile,
      fmtp: `profile-level-id=${profileLevelId(profile, o.width, o.height, o.fps)};packetization-mode=1;level-asymmetry-allowed=1`,
      nackHistoryPackets: int('nackHistoryPackets', o.nackHistoryPackets ?? 256, 1, 65536),
      maxFragmentBytes: int('maxFragmentBytes', o.maxFragmentBytes ?? 1200, 200, 65000),
      telemetryMaxBufferedBytes: int('telemetryMaxBufferedBytes', o.telemetryMaxBufferedBytes ?? 65536, 0, 64 * 1024 * 1024),
    };
    this.#unsubscribe = source.onAccessUnit((au) => this.#onAccessUnit(au));
    this.#ticker = setInterval(() => this.#tick(), 1000);
    this.#ticker.unref();
  }

  /** The H.264 profile offers must accept (webrtc.profile). */
  get profile(): H264ProfileName {
    return this.#cfg.profile;
  }

  get peerCount(): number {
    return this.#list.length;
  }

  get maxPeers(): number {
    return this.#maxPeers;
  }

  peer(id: string): WebRtcPeer | undefined {
    return this.#byId.get(id);
  }

  /** A new peer, or SKYFEED_ERR_WEBRTC_MAX_PEERS past max_peers. `remote`: the client's address, for the log. */
  createPeer(kind: PeerKind, hooks: PeerHooks = {}, remote = ''): WebRtcPeer {
    if (this.#closed) throw new WebRtcError('SKYFEED_ERR_WEBRTC_CLOSED', 'the WebRTC service is closed');
    if (this.#list.length >= this.#maxPeers) {
      this.#counters.rejected_full++;
      throw new WebRtcError('SKYFEED_ERR_WEBRTC_MAX_PEERS', `Max peers reached (${this.#maxPeers})`);
    }
    const who = { transport: kind === 'whep' ? 'whep' as const : 'webrtc' as const, remote, client_id: '' };
    const connectedAt = Date.now();
    const peer = new WebRtcPeer(randomUUID(), kind, this.#cfg, {
      candidate: (c, mid) => hooks.candidate?.(c, mid),
      open: (p) => this.#replayGop(p),
      keyframeRequest: () => {
        this.#counters.keyframe_requests++;
        this.#source.requestKeyframe();
      },
      closed: (p, reason) => {
        this.#remove(p);
        logDisconnect({ ...who, connectedAt, sent: p.stats().frames_sent, reason });
        try {
          hooks.closed?.(reason);
        } catch {
          // the owner's cleanup must not break ours
        }
      },
    });
    this.#byId.set(peer.id, peer);
    this.#list.push(peer);
    this.#counters.peers_total++;
    who.client_id = peer.id;
    logConnect(who);
    if (this.#demand) this.#releases.set(peer, this.#demand.acquire());
    return peer;
  }

  /**
   * Sends one telemetry message to every peer with an open `telemetry`
   * channel, as {"type":"telemetry", ...msg}. At most telemetryMaxHz per
   * second (more are skipped, counted); a peer whose channel is backed up
   * skips it. Returns the number of peers it went to.
   */
  broadcastTelemetry(msg: TelemetryMessage): number {
    if (typeof msg !== 'object' || msg === null || !Number.isFinite(msg.frame_id)) {
      throw new TypeError('telemetry needs a numeric frame_id');
    }
    const now = performance.now();
    if (now - this.#lastTelemetry < this.#telemetryIntervalMs) {
      this.#counters.telemetry_skipped_rate++;
      return 0;
    }
    this.#lastTelemetry = now;
    const json = JSON.stringify({ type: 'telemetry', ...msg });
    let sent = 0;
    for (let i = 0; i < this.#list.length; i++) {
      const r = this.#list[i].sendTelemetry(json);
      if (r === 1) sent++;
      else if (r === 0) this.#counters.telemetry_skipped_backpressure++;
    }
    this.#counters.telemetry_sent += sent;
    return sent;
  }

  stats(encoder?: { stats(): H264EncoderStats }): WebRtcStats {
    const c = this.#counters;
    const out: WebRtcStats = {
      peers: this.#list.length, max_peers: this.#maxPeers, peers_total: c.peers_total, rejected_full: c.rejected_full,
      stalled_closed: c.stalled_closed, connect_timeouts: c.connect_timeouts, keyframe_requests: c.keyframe_requests,
      telemetry: { sent: c.telemetry_sent, skipped_rate: c.telemetry_skipped_rate, skipped_backpressure: c.telemetry_skipped_backpressure },
      signaling: { ...this.signaling },
      peer_list: this.#list.map((p) => p.stats()),
    };
    if (encoder) {
      const e = encoder.stats();
      out.encoder = { state: e.state, fps: e.fps, kbps: e.kbps, keyframes: e.keyframes, restarts: e.restarts, last_error: e.last_error };
    }
    return out;
  }

  /** Closes every peer and stops listening to the encoder (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#ticker);
    this.#unsubscribe();
    for (const p of [...this.#list]) p.close('server');
  }

  #onAccessUnit(au: AccessUnit): void {
    const list = this.#list;
    for (let i = 0; i < list.length; i++) list[i].deliver(au);
  }

  /** A peer's video just opened: the cached GOP, so it decodes now rather than at the next IDR. */
  #replayGop(peer: WebRtcPeer): void {
    const gop = this.#source.gop();
    if (gop.length === 0 || !gop[0].keyframe) return; // it waits for the next IDR
    for (let i = 0; i < gop.length; i++) if (!peer.deliver(gop[i])) break;
  }

  #remove(peer: WebRtcPeer): void {
    if (!this.#byId.delete(peer.id)) return;
    const i = this.#list.indexOf(peer);
    if (i >= 0) this.#list.splice(i, 1);
    const release = this.#releases.get(peer);
    this.#releases.delete(peer);
    release?.();
  }

  #tick(): void {
    const now = performance.now();
    const dt = (now - this.#lastTick) / 1000;
    this.#lastTick = now;
    // Collect first: closing a peer removes it from #list.
    const expired: [WebRtcPeer, CloseReason][] = [];
    for (const p of this.#list) {
      p.tick(dt);
      if (!p.trackOpen) {
        if (now - p.createdAt > this.#connectTimeoutMs) expired.push([p, 'connect_timeout']);
      } else if ((p.stalledSince && now - p.stalledSince > this.#stalledTimeoutMs) || now - p.lastRtcpAt > this.#stalledTimeoutMs) {
        // Its transport is down, or the receiver has gone quiet (browsers
        // send a receiver report every second).
        expired.push([p, 'stalled']);
      }
    }
    for (const [p, reason] of expired) {
      if (reason === 'stalled') this.#counters.stalled_closed++;
      else this.#counters.connect_timeouts++;
      p.close(reason);
    }
  }
}
