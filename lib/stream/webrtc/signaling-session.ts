// One signaling conversation (one WebSocket of /ws/webrtc_signaling), with
// no transport in it: the route hands us each text message and gives us a
// send and a close function. Messages follow the original's shapes:
//   client → server  {type:"offer", payload:{sdp, type}}
//                    {type:"ice-candidate", payload:{candidate, sdpMid, sdpMLineIndex}}
//                    {type:"request-offer"}  then  {type:"answer", payload:{sdp, type}}
//   server → client  {type:"answer", payload:{sdp, type}, peer_id}
//                    {type:"offer", payload:{sdp, type}, peer_id}
//                    {type:"ice-candidate", peer_id, payload:{candidate, sdpMid, sdpMLineIndex}}
//                    {type:"error", message}
// The peer (and its peer_id) is created by the first valid message. Client
// candidates that arrive before the offer are queued; ours are held until our
// answer/offer went out. Anything malformed gets an `error` and a count.

import type { CloseReason, WebRtcPeer } from './webrtc-peer.js';
import { WebRtcError } from './webrtc-errors.js';
import type { WebRtcFanout } from './webrtc-fanout.js';
import { isNameCandidate, MAX_SDP_BYTES, parseSdp } from './sdp.js';

export interface IceCandidatePayload {
  candidate: string;
  sdpMid: string | null;
  sdpMLineIndex: number | null;
}

export type SignalingOutgoing =
  | { type: 'answer' | 'offer'; payload: { sdp: string; type: 'answer' | 'offer' }; peer_id: string }
  | { type: 'ice-candidate'; peer_id: string; payload: IceCandidatePayload }
  | { type: 'error'; message: string; peer_id?: string };

export interface SignalingSessionOptions {
  /** Largest message accepted (default 64 KiB + envelope: an SDP offer is 5-12 KB). */
  maxMessageBytes?: number;
  /** Client candidates held until the offer is applied (default 64). */
  maxQueuedCandidates?: number;
  /** Client candidates accepted over the session (default 256; a browser sends a handful). */
  maxCandidates?: number;
  /** The client's address, for the peer's log lines. */
  remote?: string;
}

/** WebSocket close codes the transport should use. */
export const CLOSE_POLICY = 1008;
export const CLOSE_NORMAL = 1000;

/** Our candidates held until the description went out: a host has few; beyond this they are dropped. */
const MAX_HELD_LOCAL = 32;

export class SignalingSession {
  readonly #fanout: WebRtcFanout;
  readonly #send: (msg: SignalingOutgoing) => void;
  readonly #close: (code: number, reason: string) => void;
  readonly #maxBytes: number;
  readonly #maxQueued: number;
  readonly #maxCandidates: number;
  /** The client's address (log lines only). */
  readonly #remote: string;
  #peer: WebRtcPeer | null = null;
  /** mids of the remote offer, by m-line index (to resolve sdpMLineIndex-only candidates). */
  #mids: string[] = [];
  /** Client candidates received before the remote description. */
  readonly #queued: { candidate: string; mid: string }[] = [];
  /** Our candidates produced before our description was sent. */
  readonly #held: { candidate: string; mid: string }[] = [];
  #described = false;
  /** A request-offer went out and its answer is awaited. */
  #awaitingAnswer = false;
  #negotiating = false;
  #candidates = 0;
  #closed = false;

  constructor(fanout: WebRtcFanout, send: (msg: SignalingOutgoing) => void, close: (code: number, reason: string) => void,
    options: SignalingSessionOptions = {}) {
    this.#fanout = fanout;
    this.#send = send;
    this.#close = close;
    this.#maxBytes = options.maxMessageBytes ?? MAX_SDP_BYTES + 4096;
    this.#maxQueued = options.maxQueuedCandidates ?? 64;
    this.#maxCandidates = options.maxCandidates ?? 256;
    this.#remote = options.remote ?? '';
  }

  get peerId(): string | null {
    return this.#peer?.id ?? null;
  }

  /** One message from the client (text; binary is refused). Never throws. */
  onMessage(data: string | ArrayBuffer | Uint8Array): void {
    if (this.#closed) return;
    const counters = this.#fanout.signaling;
    counters.messages++;
    try {
      if (typeof data !== 'string') {
        const bytes = data.byteLength;
        if (bytes > this.#maxBytes) return this.#oversized(bytes);
        return this.#error('binary messages are not accepted: send JSON text');
      }
      if (data.length > this.#maxBytes) return this.#oversized(data.length);
      let msg: unknown;
      try {
        msg = JSON.parse(data);
      } catch {
        return this.#error('message is not valid JSON');
      }
      if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return this.#error('message must be a JSON object');
      const { type, payload } = msg as { type?: unknown; payload?: unknown };
      switch (type) {
        case 'offer':
          return this.#onOffer(payload);
        case 'answer':
          return this.#onAnswer(payload);
        case 'ice-candidate':
          return this.#onCandidate(payload);
        case 'request-offer':
          return this.#onRequestOffer();
        default:
          return this.#error(typeof type === 'string' ? `unknown message type "${type.slice(0, 40)}"` : 'message needs a string "type"');
      }
    } catch (e) {
      // A bug of ours, not the client's: still an error message, never a crash.
      this.#error(`internal error: ${(e as Error).message}`);
    }
  }

  /** The transport closed (or the owner ends the session): closes the peer. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#peer?.close('client');
  }

  #ensurePeer(): WebRtcPeer | null {
    if (this.#peer) return this.#peer;
    try {
      // Hooks check identity: a peer discarded after a failed negotiation
      // closes without ending the session.
      const peer: WebRtcPeer = this.#fanout.createPeer('ws', {
        candidate: (candidate, mid) => { if (peer === this.#peer) this.#onLocalCandidate(candidate, mid); },
        closed: (reason) => { if (peer === this.#peer) this.#onPeerClosed(reason); },
      }, this.#remote);
      this.#peer = peer;
    } catch (e) {
      if (e instanceof WebRtcError && e.code === 'SKYFEED_ERR_WEBRTC_MAX_PEERS') {
        this.#error(e.message);
        this.#closed = true;
        this.#close(CLOSE_POLICY, 'Max peers reached');
        return null;
      }
      throw e;
    }
    return this.#peer;
  }

  #onOffer(payload: unknown): void {
    const sdp = this.#sdpPayload(payload, 'offer');
    if (sdp === null) return;
    if (this.#negotiating || this.#peer?.remoteDescriptionSet || this.#awaitingAnswer) {
      return this.#error('this session already negotiated (renegotiation is not supported): open a new one');
    }
    try {
      this.#mids = parseSdp(sdp).mids; // garbage SDP costs no peer
    } catch (e) {
      return this.#error((e as Error).message);
    }
    const peer = this.#ensurePeer();
    if (!peer) return;
    this.#negotiating = true;
    peer.answer(sdp).then((answer) => {
      if (this.#closed || peer !== this.#peer) return;
      this.#safeSend({ type: 'answer', payload: { sdp: answer, type: 'answer' }, peer_id: peer.id });
      this.#afterDescription(peer);
    }, (e: Error) => this.#negotiationFailed(peer, e));
  }

  #onRequestOffer(): void {
    if (this.#negotiating || this.#peer?.remoteDescriptionSet || this.#awaitingAnswer) {
      return this.#error('this session already negotiated (renegotiation is not supported): open a new one');
    }
    const peer = this.#ensurePeer();
    if (!peer) return;
    this.#negotiating = true;
    this.#awaitingAnswer = true;
    peer.offer().then((offer) => {
      if (this.#closed || peer !== this.#peer) return;
      this.#mids = parseSdp(offer).mids;
      this.#safeSend({ type: 'offer', payload: { sdp: offer, type: 'offer' }, peer_id: peer.id });
      this.#releaseHeld(peer);
    }, (e: Error) => this.#negotiationFailed(peer, e));
  }

  #onAnswer(payload: unknown): void {
    const sdp = this.#sdpPayload(payload, 'answer');
    if (sdp === null) return;
    const peer = this.#peer;
    if (!peer || !this.#awaitingAnswer) return this.#error('no offer is waiting for an answer (send request-offer first)');
    try {
      peer.acceptAnswer(sdp);
    } catch (e) {
      return this.#error((e as Error).message);
    }
    this.#awaitingAnswer = false;
    this.#flushQueued(peer);
  }

  #onCandidate(payload: unknown): void {
    if (typeof payload !== 'object' || payload === null) return this.#error('ice-candidate needs a payload object');
    const { candidate, sdpMid, sdpMLineIndex } = payload as Record<string, unknown>;
    if (typeof candidate !== 'string' || candidate.length > 1024) {
      return this.#error('ice-candidate payload.candidate must be a string (<= 1 KiB)');
    }
    if (sdpMid !== undefined && sdpMid !== null && typeof sdpMid !== 'string') {
      return this.#error('payload.sdpMid must be a string or null');
    }
    if (sdpMLineIndex !== undefined && sdpMLineIndex !== null && !(Number.isInteger(sdpMLineIndex) && (sdpMLineIndex as number) >= 0)) {
      return this.#error('payload.sdpMLineIndex must be a non-negative integer or null');
    }
    // An empty candidate is the end-of-candidates marker: nothing to do.
    if (candidate === '') return;
    if (++this.#candidates > this.#maxCandidates) return this.#error(`more than ${this.#maxCandidates} candidates`);
    if (isNameCandidate(candidate)) {
      this.#fanout.signaling.mdns_dropped++;
      return;
    }
    const peer = this.#ensurePeer();
    if (!peer) return;
    const mid = typeof sdpMid === 'string' ? sdpMid : this.#midOf(sdpMLineIndex as number | null | undefined);
    if (!peer.remoteDescriptionSet) {
      if (this.#queued.length >= this.#maxQueued) return this.#error(`more than ${this.#maxQueued} candidates before the offer`);
      this.#queued.push({ candidate, mid });
      return;
    }
    try {
      peer.addRemoteCandidate(candidate, mid);
    } catch (e) {
      this.#error((e as Error).message);
    }
  }

  /** The offer/answer failed: say why, drop the peer (and its slot); the client may offer again. */
  #negotiationFailed(peer: WebRtcPeer, e: Error): void {
    if (this.#closed || peer !== this.#peer) return;
    this.#error(e.message);
    this.#peer = null;
    this.#negotiating = this.#awaitingAnswer = this.#described = false;
    this.#queued.length = this.#held.length = 0;
    peer.close('error');
  }

  #midOf(index: number | null | undefined): string {
    if (typeof index === 'number' && index < this.#mids.length) return this.#mids[index];
    return this.#mids[0] ?? '0';
  }

  #sdpPayload(payload: unknown, kind: 'offer' | 'answer'): string | null {
    if (typeof payload !== 'object' || payload === null) {
      this.#error(`${kind} needs a payload object {sdp, type}`);
      return null;
    }
    const { sdp, type } = payload as Record<string, unknown>;
    if (typeof sdp !== 'string' || sdp.length === 0) {
      this.#error(`${kind} payload.sdp must be a non-empty string`);
      return null;
    }
    if (type !== undefined && type !== kind) {
      this.#error(`${kind} payload.type must be "${kind}"`);
      return null;
    }
    return sdp;
  }

  #afterDescription(peer: WebRtcPeer): void {
    this.#releaseHeld(peer);
    this.#flushQueued(peer);
  }

  #releaseHeld(peer: WebRtcPeer): void {
    this.#described = true;
    for (const c of this.#held.splice(0)) this.#sendCandidate(peer, c.candidate, c.mid);
  }

  #flushQueued(peer: WebRtcPeer): void {
    for (const c of this.#queued.splice(0)) {
      try {
        peer.addRemoteCandidate(c.candidate, c.mid);
      } catch (e) {
        this.#error((e as Error).message);
      }
    }
  }

  #onLocalCandidate(candidate: string, mid: string): void {
    if (this.#closed || !this.#peer) return;
    if (!this.#described) {
      if (this.#held.length < MAX_HELD_LOCAL) this.#held.push({ candidate, mid });
      return;
    }
    this.#sendCandidate(this.#peer, candidate, mid);
  }

  #sendCandidate(peer: WebRtcPeer, candidate: string, mid: string): void {
    const index = this.#mids.indexOf(mid);
    this.#safeSend({
      type: 'ice-candidate', peer_id: peer.id,
      payload: { candidate: candidate.replace(/^a=/, ''), sdpMid: mid, sdpMLineIndex: index >= 0 ? index : 0 },
    });
  }

  #onPeerClosed(reason: CloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#safeSend({ type: 'error', message: `peer closed (${reason})`, peer_id: this.#peer?.id });
    this.#close(CLOSE_NORMAL, `peer closed (${reason})`);
  }

  #oversized(bytes: number): void {
    this.#fanout.signaling.oversized++;
    this.#error(`message too large (${bytes} > ${this.#maxBytes} bytes)`);
  }

  #error(message: string): void {
    this.#fanout.signaling.errors++;
    const msg: SignalingOutgoing = { type: 'error', message };
    if (this.#peer) msg.peer_id = this.#peer.id;
    this.#safeSend(msg);
  }

  #safeSend(msg: SignalingOutgoing): void {
    try {
      this.#send(msg);
    } catch {
      // The transport is gone; its close will reach us.
    }
  }
}
