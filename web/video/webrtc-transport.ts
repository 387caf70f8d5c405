// WebRTC (H.264) over /ws/webrtc_signaling: the browser offers a recvonly
// video and a `telemetry` data channel, trickles ICE both ways. Frames are
// counted with requestVideoFrameCallback. The data channel says which frame
// a box belongs to but the video carries no frame ids, so each channel
// message is held back by the receiver's measured jitter-buffer delay
// before it is applied: the box then lands on (about) the picture it
// describes instead of running ahead of it.

import type { ChannelTelemetry, Transport, TransportHooks } from './transport.js';
import { TransportBase, wsUrl } from './transport.js';

const FIRST_FRAME_MS = 8000;
/** Channel messages waiting for their picture: 10 Hz for at most ~3 s of delay. */
const MAX_PENDING = 32;

type FrameCallbackVideo = HTMLVideoElement & { requestVideoFrameCallback(cb: () => void): number; cancelVideoFrameCallback(id: number): void };

export class WebRtcTransport extends TransportBase implements Transport {
  readonly kind = 'webrtc' as const;
  readonly el = document.createElement('video') as FrameCallbackVideo;
  readonly #pc = new RTCPeerConnection();
  readonly #ws: WebSocket;
  readonly #pending: { at: number; m: ChannelTelemetry }[] = [];
  #current: ChannelTelemetry | null = null;
  // Receiver delay (jitter buffer) and half the round trip, from getStats, in ms.
  #bufferMs = 0;
  #halfRttMs = 0;
  // False until getStats has reported the jitter buffer: no estimate before that.
  #measured = false;
  #vfc = 0;
  readonly #statsTimer: ReturnType<typeof setInterval>;

  constructor(hooks: TransportHooks) {
    super(hooks, FIRST_FRAME_MS, 'no WebRTC frame');
    const { el } = this;
    el.muted = true;
    el.autoplay = true;
    el.playsInline = true;
    const pc = this.#pc;
    pc.addTransceiver('video', { direction: 'recvonly' });
    const dc = pc.createDataChannel('telemetry');
    dc.onmessage = (ev) => this.#onChannel(ev.data);
    pc.ontrack = (e) => {
      el.srcObject = e.streams[0] ?? new MediaStream([e.track]);
      void el.play().catch(() => undefined);
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed') this.fail('WebRTC connection failed');
    };
    const ws = new WebSocket(wsUrl('ws/webrtc_signaling'));
    this.#ws = ws;
    pc.onicecandidate = (e) => {
      if (!e.candidate || ws.readyState !== WebSocket.OPEN) return;
      const { candidate, sdpMid, sdpMLineIndex } = e.candidate;
      ws.send(JSON.stringify({ type: 'ice-candidate', payload: { candidate, sdpMid, sdpMLineIndex } }));
    };
    ws.onopen = async () => {
      try {
        const offer = await pc.createOffer();
        await pc.setLocalDescription(offer);
        ws.send(JSON.stringify({ type: 'offer', payload: { sdp: offer.sdp, type: 'offer' } }));
      } catch (err) {
        this.fail(`offer failed: ${(err as Error).message}`);
      }
    };
    ws.onmessage = (ev) => void this.#onSignal(String(ev.data));
    // Signaling may end once connected (the media flows peer to peer); before that it is a failure.
    ws.onclose = (ev) => { if (!this.gotFrame) this.fail(`signaling closed (${ev.code}${ev.reason ? ` ${ev.reason}` : ''})`); };
    this.#vfc = el.requestVideoFrameCallback(this.#onVideoFrame);
    this.#statsTimer = setInterval(() => void this.#readStats(), 1000);
  }

  async #onSignal(text: string): Promise<void> {
    let m: any;
    try {
      m = JSON.parse(text);
    } catch {
      return;
    }
    try {
      if (m.type === 'answer') await this.#pc.setRemoteDescription({ type: 'answer', sdp: m.payload.sdp });
      else if (m.type === 'ice-candidate' && m.payload?.candidate) await this.#pc.addIceCandidate(m.payload);
      else if (m.type === 'error') this.fail(`signaling: ${m.message}`);
    } catch (err) {
      if (m.type === 'answer') this.fail(`bad answer: ${(err as Error).message}`);
      // A candidate we cannot use is not fatal: others may work.
    }
  }

  #onChannel(data: unknown): void {
    let m: ChannelTelemetry;
    try {
      m = JSON.parse(String(data));
    } catch {
      return;
    }
    if (m?.type !== 'telemetry') return;
    if (this.#pending.length >= MAX_PENDING) this.#pending.shift();
    this.#pending.push({ at: performance.now(), m });
    this.hooks.onChannelTelemetry?.(m);
  }

  #onVideoFrame = (): void => {
    if (this.closed) return;
    this.#vfc = this.el.requestVideoFrameCallback(this.#onVideoFrame);
    this.gotFrame = true;
    const due = performance.now() - this.#bufferMs;
    while (this.#pending.length && this.#pending[0].at <= due) this.#current = this.#pending.shift()!.m;
    const c = this.#current;
    const td = c?.tracker?.tracker_data;
    this.hooks.onFrame({
      frameId: c ? c.frame_id : null,
      timestamp: null,
      box: c ? (Array.isArray(td?.bbox) ? td.bbox : null) : undefined,
      targetState: typeof td?.target_state === 'string' ? td.target_state : null,
    });
  };

  async #readStats(): Promise<void> {
    if (this.closed) return;
    const report = await this.#pc.getStats();
    report.forEach((s: any) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video' && s.jitterBufferEmittedCount > 0) {
        this.#bufferMs = (s.jitterBufferDelay / s.jitterBufferEmittedCount) * 1000;
        this.#measured = true;
      } else if (s.type === 'candidate-pair' && s.nominated && typeof s.currentRoundTripTime === 'number') {
        this.#halfRttMs = (s.currentRoundTripTime * 1000) / 2;
      }
    });
  }

  size() {
    return { w: this.el.videoWidth, h: this.el.videoHeight };
  }

  /** Network half-RTT + jitter buffer: an estimate (the encoder's own delay is not visible here). */
  latencyMs(): number | null {
    return this.#measured ? this.#bufferMs + this.#halfRttMs : null;
  }


  protected release(): void {
    clearInterval(this.#statsTimer);
    this.el.cancelVideoFrameCallback(this.#vfc);
    this.#ws.onclose = null;
    this.#ws.close();
    this.#pc.close();
    this.el.srcObject = null;
  }
}
