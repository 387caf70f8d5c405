// One viewer: a node-datachannel PeerConnection with a send-only H.264 track
// (its own packetizer, RTCP sender reports and a NACK responder with a
// bounded history) and, when the viewer offered a data channel, a
// `telemetry` channel. It sends the shared access units it is given and
// never queues them: while it cannot send, or after it missed one, it skips
// to the next IDR (a P-frame decoded against the wrong reference shows
// garbage until the next IDR anyway).

import {
  H264RtpPacketizer, PeerConnection, RtcpNackResponder, RtcpSrReporter, RtpPacketizationConfig, Video,
  type DataChannel, type Track,
} from 'node-datachannel';
import { randomInt } from 'node:crypto';
import type { AccessUnit } from '../../encode/h264/access-unit.js';
import { dropNameCandidates, isNameCandidate, parseSdp, pickH264, type H264ProfileName } from './sdp.js';
import { emptySummary, parseRtcp } from './rtcp.js';
import { WebRtcError } from './webrtc-errors.js';

export type PeerKind = 'ws' | 'whep';
export type PeerState = 'new' | 'connecting' | 'connected' | 'stalled' | 'closed';
export type CloseReason = 'client' | 'stalled' | 'failed' | 'connect_timeout' | 'server' | 'error';

export interface PeerConfig {
  iceServers: string[];
  /** UDP port range for ICE (0/0: any). */
  portRangeBegin: number;
  portRangeEnd: number;
  /** Local address to bind ICE to ('' = all). */
  bindAddress: string;
  /** The H.264 profile we send and its fmtp line (profile-level-id, packetization-mode=1). */
  profile: H264ProfileName;
  fmtp: string;
  /** RTP packets kept per peer for NACK retransmission. */
  nackHistoryPackets: number;
  /** Largest RTP payload (MTU minus IP/UDP/SRTP headroom). */
  maxFragmentBytes: number;
  /** Bytes queued on the telemetry channel above which messages are skipped. */
  telemetryMaxBufferedBytes: number;
}

export interface PeerEvents {
  /** A local ICE candidate to signal (already filtered: never mDNS). */
  candidate(candidate: string, mid: string): void;
  /** The video track opened: the fan-out replays the cached GOP now. */
  open(peer: WebRtcPeer): void;
  /** The receiver asked for a keyframe (PLI or FIR). */
  keyframeRequest(peer: WebRtcPeer): void;
  /** The peer closed (once). */
  closed(peer: WebRtcPeer, reason: CloseReason): void;
}

export interface PeerStats {
  id: string;
  kind: PeerKind;
  state: PeerState;
  rtt_ms: number | null;
  nacks: number;
  plis: number;
  firs: number;
  /** Video payload (access unit bytes; RTP/SRTP headers add ~2-4 %), per second over the last second, and in all. */
  bytes_per_sec: number;
  bytes_sent: number;
  frames_sent: number;
  frames_skipped: number;
  telemetry_sent: number;
  telemetry_skipped: number;
  /** Receiver-reported loss (0..1) in its newest report. */
  fraction_lost: number | null;
  /** The receiver's bandwidth estimate (REMB), kbit/s. */
  remb_kbps: number | null;
  connected_s: number;
}

/** RTP payload type we offer when the server sends the offer (dynamic range). */
const OFFER_PT = 96;
/** Remote candidates a peer takes (a browser sends a handful; WHEP PATCHes and signaling both count). */
export const MAX_REMOTE_CANDIDATES = 64;
const CNAME = 'skyfeed';

export class WebRtcPeer {
  readonly id: string;
  readonly kind: PeerKind;
  readonly #cfg: PeerConfig;
  readonly #events: PeerEvents;
  readonly #pc: PeerConnection;
  #track: Track | null = null;
  #rtp: RtpPacketizationConfig | null = null;
  #dc: DataChannel | null = null;
  #state: PeerState = 'new';
  #closed = false;
  /** Remote candidates added so far (bounded by MAX_REMOTE_CANDIDATES). */
  #remoteCandidates = 0;
  /** Remote description applied: candidates may be added. */
  #remoteSet = false;
  #trackOpen = false;
  /** Skip access units until the next IDR (new peer without a GOP, or a frame was missed). */
  #needKeyframe = true;
  /** Random RTP timestamp offset (RFC 3550 5.1), added to capture time at 90 kHz. */
  readonly #tsBase = randomInt(0, 2 ** 32);
  readonly #ssrc = randomInt(1, 2 ** 32);
  /** The negotiation waiting for our local description (answer or offer). */
  #pending: { resolve: (sdp: string) => void; reject: (e: Error) => void } | null = null;
  #onGathered: (() => void) | null = null;
  readonly #rtcp = emptySummary();
  /** performance.now() of creation, of the video opening, of the last RTCP from the receiver. */
  readonly #createdAt = performance.now();
  #connectedAt = 0;
  #lastRtcpAt = 0;
  /** performance.now() since the transport stopped working (0: it works). */
  #stalledSince = 0;
  #stats: PeerStats;
  /** H.264 bytes handed to the packetizer (the PeerConnection counts only data-channel bytes). */
  #payloadBytes = 0;
  #bytesAtTick = 0;

  constructor(id: string, kind: PeerKind, cfg: PeerConfig, events: PeerEvents) {
    this.id = id;
    this.kind = kind;
    this.#cfg = cfg;
    this.#events = events;
    this.#stats = {
      id, kind, state: 'new', rtt_ms: null, nacks: 0, plis: 0, firs: 0, bytes_per_sec: 0, bytes_sent: 0,
      frames_sent: 0, frames_skipped: 0, telemetry_sent: 0, telemetry_skipped: 0, fraction_lost: null,
      remb_kbps: null, connected_s: 0,
    };
    this.#pc = new PeerConnection(id, {
      iceServers: cfg.iceServers,
      portRangeBegin: cfg.portRangeBegin || undefined,
      portRangeEnd: cfg.portRangeEnd || undefined,
      bindAddress: cfg.bindAddress || undefined,
      // We call setLocalDescription ourselves: the browser-offers and the
      // server-offers flows differ only in order, and nothing renegotiates.
      disableAutoNegotiation: true,
    });
    this.#pc.onLocalDescription((sdp) => {
      const p = this.#pending;
      this.#pending = null;
      p?.resolve(sdp);
    });
    this.#pc.onLocalCandidate((candidate, mid) => {
      if (!this.#closed && !isNameCandidate(candidate)) this.#events.candidate(candidate, mid);
    });
    this.#pc.onGatheringStateChange((s) => {
      if (s === 'complete') this.#onGathered?.();
    });
    // Also what lets node-datachannel free the connection: it releases a
    // wrapper's native callbacks only on the closed state/event, and only if a
    // listener is registered (else the event loop is held forever).
    this.#pc.onStateChange((s) => this.#onPcState(s));
  }

  get createdAt(): number {
    return this.#createdAt;
  }

  get lastRtcpAt(): number {
    return this.#lastRtcpAt;
  }

  get stalledSince(): number {
    return this.#stalledSince;
  }

  get state(): PeerState {
    return this.#state;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The viewer offered (WebSocket `offer`, WHEP POST): returns our answer. */
  async answer(offerSdp: unknown): Promise<string> {
    if (this.#remoteSet || this.#track) throw renegotiation();
    const offer = parseSdp(offerSdp);
    const pt = pickH264(offer.video, this.#cfg.profile);
    this.#addVideo(offer.video!.mid, pt);
    const { sdp } = dropNameCandidates(offerSdp as string);
    const described = this.#nextDescription();
    try {
      this.#pc.setRemoteDescription(sdp, 'offer');
      this.#remoteSet = true;
      this.#pc.setLocalDescription('answer');
    } catch (e) {
      this.#pending = null;
      throw new WebRtcError('SKYFEED_ERR_WEBRTC_BAD_SDP', `the offer was refused: ${(e as Error).message}`);
    }
    const answer = await described;
    // Our side may open the telemetry channel once the answer is out, when the
    // viewer's offer asked for an SCTP association (a data channel section).
    if (offer.application !== null) this.#openTelemetry();
    this.#setState('connecting');
    return answer;
  }

  /** The server offers (signaling `request-offer`, for clients that cannot). */
  async offer(): Promise<string> {
    if (this.#remoteSet || this.#track) throw renegotiation();
    this.#addVideo('0', OFFER_PT);
    this.#openTelemetry();
    const described = this.#nextDescription();
    this.#pc.setLocalDescription('offer');
    return described;
  }

  /** The viewer's answer to offer(). */
  acceptAnswer(answerSdp: unknown): void {
    if (!this.#track || this.#remoteSet) {
      throw new WebRtcError('SKYFEED_ERR_WEBRTC_UNSUPPORTED', 'no offer of ours is waiting for an answer');
    }
    const parsed = parseSdp(answerSdp);
    const video = parsed.video;
    if (!video || !video.codecs.some((c) => c.pt === OFFER_PT && c.name === 'H264')) {
      throw new WebRtcError('SKYFEED_ERR_WEBRTC_BAD_SDP', 'the answer does not accept our H.264 video');
    }
    try {
      this.#pc.setRemoteDescription(dropNameCandidates(answerSdp as string).sdp, 'answer');
    } catch (e) {
      throw new WebRtcError('SKYFEED_ERR_WEBRTC_BAD_SDP', `the answer was refused: ${(e as Error).message}`);
    }
    this.#remoteSet = true;
    this.#setState('connecting');
  }

  /** The local description with every gathered candidate (WHEP answers are not trickled), after at most `timeoutMs`. */
  async completeDescription(timeoutMs: number): Promise<string> {
    if (this.#pc.gatheringState() !== 'complete') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.#onGathered = () => { clearTimeout(timer); resolve(); };
      });
      this.#onGathered = null;
    }
    const d = this.#pc.localDescription();
    if (!d) throw new WebRtcError('SKYFEED_ERR_WEBRTC_CLOSED', 'the peer closed before its description was ready');
    return dropNameCandidates(d.sdp).sdp;
  }

  get remoteDescriptionSet(): boolean {
    return this.#remoteSet;
  }

  /** Adds a remote candidate; mDNS names are dropped (returns false), never resolved. */
  addRemoteCandidate(candidate: string, mid: string): boolean {
    if (this.#closed) return false;
    if (!this.#remoteSet) throw new WebRtcError('SKYFEED_ERR_WEBRTC_UNSUPPORTED', 'candidate before the remote description');
    if (isNameCandidate(candidate)) return false;
    if (++this.#remoteCandidates > MAX_REMOTE_CANDIDATES) {
      throw new WebRtcError('SKYFEED_ERR_WEBRTC_BAD_SDP', `more than ${MAX_REMOTE_CANDIDATES} ICE candidates for one peer`);
    }
    try {
      this.#pc.addRemoteCandidate(candidate, mid);
    } catch (e) {
      throw new WebRtcError('SKYFEED_ERR_WEBRTC_BAD_SDP', `bad ICE candidate: ${(e as Error).message}`);
    }
    return true;
  }

  /** Sends one access unit, or skips it (see the top of the file). Returns true when sent. */
  deliver(au: AccessUnit): boolean {
    if (!this.#trackOpen || this.#closed) return false;
    if (this.#state === 'stalled' && this.#pc.state() !== 'connected') {
      // ICE lost (disconnected): what we send now is lost; resume at an IDR.
      this.#stats.frames_skipped++;
      this.#needKeyframe = true;
      return false;
    }
    if (this.#needKeyframe) {
      if (!au.keyframe) {
        this.#stats.frames_skipped++;
        // The transport is up and only the next IDR is awaited (PLI cannot
        // force one): not a stall, however long the GOP.
        if (this.#stalledSince !== 0 && this.#pc.state() === 'connected') {
          this.#stalledSince = 0;
          this.#setState('connected');
        }
        return false;
      }
      this.#needKeyframe = false;
    }
    // RTP time from the capture time: the receiver's jitter buffer sees the
    // camera's cadence, not the encoder's output bursts.
    this.#rtp!.timestamp = (this.#tsBase + Math.round(au.captureMs * 90)) >>> 0;
    let ok = false;
    try {
      ok = this.#track!.sendMessageBinary(au.data);
    } catch {
      ok = false;
    }
    if (!ok) {
      // The transport is not ready (DTLS down, ICE lost): drop to the next IDR.
      this.#stats.frames_skipped++;
      this.#needKeyframe = true;
      if (this.#stalledSince === 0) this.#stalledSince = performance.now();
      this.#setState('stalled');
      return false;
    }
    this.#stats.frames_sent++;
    this.#payloadBytes += au.data.length;
    if (this.#stalledSince !== 0 && this.#pc.state() === 'connected') {
      this.#stalledSince = 0;
      this.#setState('connected');
    }
    return true;
  }

  get trackOpen(): boolean {
    return this.#trackOpen;
  }

  /** Sends one telemetry message unless the channel is not open or backed up; 1 sent, 0 skipped, -1 no channel. */
  sendTelemetry(json: string): number {
    const dc = this.#dc;
    if (!dc || this.#closed) return -1;
    try {
      if (!dc.isOpen()) return -1;
      if (dc.bufferedAmount() > this.#cfg.telemetryMaxBufferedBytes) {
        this.#stats.telemetry_skipped++;
        return 0;
      }
      dc.sendMessage(json);
      this.#stats.telemetry_sent++;
      return 1;
    } catch {
      this.#stats.telemetry_skipped++;
      return 0;
    }
  }

  /** Called once a second by the fan-out: rates and the receiver's figures. */
  tick(dtS: number): void {
    if (this.#closed) return;
    const sent = this.#payloadBytes;
    this.#stats.bytes_per_sec = dtS > 0 ? Math.round((sent - this.#bytesAtTick) / dtS) : 0;
    this.#stats.bytes_sent = sent;
    this.#bytesAtTick = sent;
  }

  stats(): PeerStats {
    const s = this.#stats;
    s.state = this.#state;
    s.connected_s = this.#connectedAt ? Math.round((performance.now() - this.#connectedAt) / 100) / 10 : 0;
    if (s.rtt_ms === null && !this.#closed) {
      // Before the first receiver report: SCTP's estimate, when there is a data channel.
      try {
        const r = this.#pc.rtt();
        if (r >= 0) s.rtt_ms = r;
      } catch {
        // closed
      }
    }
    return { ...s };
  }

  /** Closes the connection (idempotent). */
  close(reason: CloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#trackOpen = false;
    this.#setState('closed');
    const pending = this.#pending;
    this.#pending = null;
    pending?.reject(new WebRtcError('SKYFEED_ERR_WEBRTC_CLOSED', 'the peer closed during negotiation'));
    this.#onGathered?.();
    // Each object closed explicitly: node-datachannel releases a track's
    // callbacks only on track.close(), not when its connection closes.
    try {
      this.#dc?.close();
    } catch {
      // already closed
    }
    try {
      this.#track?.close();
    } catch {
      // already closed
    }
    try {
      this.#pc.close();
    } catch {
      // already closed
    }
    this.#events.closed(this, reason);
  }

  /** Our next local description; rejected if the peer closes first (it never describes itself then). */
  #nextDescription(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
    });
  }

  #addVideo(mid: string, pt: number): void {
    const video = new Video(mid, 'SendOnly');
    video.addH264Codec(pt, this.#cfg.fmtp);
    video.addSSRC(this.#ssrc, CNAME, 'skyfeed', 'video');
    const track = this.#pc.addTrack(video);
    const rtp = new RtpPacketizationConfig(this.#ssrc, CNAME, pt, 90000);
    // The access units carry 4-byte start codes (see AuWriter).
    const packetizer = new H264RtpPacketizer('LongStartSequence', rtp, this.#cfg.maxFragmentBytes);
    packetizer.addToChain(new RtcpSrReporter(rtp));
    packetizer.addToChain(new RtcpNackResponder(this.#cfg.nackHistoryPackets));
    track.setMediaHandler(packetizer);
    track.onOpen(() => {
      if (this.#closed) return;
      this.#trackOpen = true;
      this.#connectedAt = this.#lastRtcpAt = performance.now();
      this.#setState('connected');
      this.#needKeyframe = true;
      this.#events.open(this);
    });
    track.onClosed(() => this.close('client'));
    track.onError(() => this.close('error'));
    track.onMessage((msg) => this.#onRtcp(msg));
    this.#track = track;
    this.#rtp = rtp;
  }

  #openTelemetry(): void {
    // Unordered and never retransmitted: a late box is worth less than the
    // next one, which follows within 33 ms.
    try {
      this.#dc = this.#pc.createDataChannel('telemetry', { unordered: true, maxRetransmits: 0 });
      // node-datachannel frees a channel's native callbacks only on its
      // closed event, which it delivers only to a registered listener.
      this.#dc.onClosed(() => {});
    } catch {
      this.#dc = null;
    }
  }

  #onRtcp(msg: Buffer): void {
    if (this.#closed || !parseRtcp(msg, this.#rtcp)) return;
    this.#lastRtcpAt = performance.now();
    const r = this.#rtcp;
    const s = this.#stats;
    s.nacks += r.nacks;
    s.plis += r.plis;
    s.firs += r.firs;
    if (!Number.isNaN(r.rttMs)) s.rtt_ms = Math.round(r.rttMs * 10) / 10;
    if (!Number.isNaN(r.fractionLost)) s.fraction_lost = Math.round(r.fractionLost * 1000) / 1000;
    if (!Number.isNaN(r.rembBps)) s.remb_kbps = Math.round(r.rembBps / 1000);
    if (r.plis + r.firs > 0) this.#events.keyframeRequest(this);
  }

  #onPcState(s: string): void {
    if (this.#closed) return;
    if (s === 'failed') this.close('failed');
    else if (s === 'closed') this.close('client');
    else if (s === 'disconnected') {
      if (this.#stalledSince === 0) this.#stalledSince = performance.now();
      this.#setState('stalled');
    } else if (s === 'connected' && this.#trackOpen) {
      this.#stalledSince = 0;
      this.#setState('connected');
    }
  }

  #setState(s: PeerState): void {
    if (this.#state !== 'closed') this.#state = s;
  }
}

function renegotiation(): WebRtcError {
  return new WebRtcError('SKYFEED_ERR_WEBRTC_UNSUPPORTED', 'this peer already has a session (renegotiation is not supported)');
}
