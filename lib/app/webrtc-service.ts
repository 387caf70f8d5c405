// WebRTC, assembled: the shared H.264 encode (H264Service) fanned out to
// every peer, and the two ways in (signaling sessions over a WebSocket,
// WHEP sessions over HTTP). Peers hold the encoder while they watch.

import type { SkyfeedConfig } from '../config/types.js';
import type { H264FeedCounters } from '../encode/h264/bus-feed.js';
import type { H264Encoder } from '../encode/h264/index.js';
import {
  SignalingSession, WebRtcFanout, WhepEndpoint, type SignalingOutgoing, type TelemetryMessage, type WebRtcFanoutOptions,
  type WebRtcStats,
} from '../stream/webrtc/index.js';
import type { H264Service, H264Tuning } from './h264-service.js';

/** Overrides for the engine's own defaults; see EngineOptions.webrtc. */
export interface WebRtcTuning extends H264Tuning {
  fanout?: Partial<Pick<WebRtcFanoutOptions, 'connectTimeoutMs' | 'telemetryMaxHz' | 'stalledTimeoutMs'>>;
}

export interface WebRtcServiceStats extends WebRtcStats {
  feed: H264FeedCounters;
}

export class WebRtcService {
  readonly fanout: WebRtcFanout;
  readonly whep: WhepEndpoint;
  readonly #h264: H264Service;
  #closed = false;

  constructor(h264: H264Service, config: SkyfeedConfig, tuning: WebRtcTuning = {}) {
    const w = config.webrtc;
    this.#h264 = h264;
    this.fanout = new WebRtcFanout(h264.encoder, {
      width: config.streaming.width, height: config.streaming.height, fps: h264.fps, maxPeers: w.max_peers,
      stalledTimeoutMs: w.stalled_timeout_s * 1000, iceServers: w.ice_servers, profile: w.profile,
      ...tuning.fanout,
      demand: { acquire: () => h264.hold() },
    });
    this.whep = new WhepEndpoint(this.fanout);
  }

  /** The shared encoder (its stats, a bench's direct access). */
  get encoder(): H264Encoder {
    return this.#h264.encoder;
  }

  /** Keeps the encoder running until the returned release is called (a bench baseline). */
  hold(): () => void {
    return this.#h264.hold();
  }

  /** A signaling conversation for one WebSocket; `close` asks the socket to close (1008 when full). */
  signaling(send: (msg: SignalingOutgoing) => void, close: (code: number, reason: string) => void, remote?: string): SignalingSession {
    return new SignalingSession(this.fanout, send, close, { remote });
  }

  /** Sends `msg` on every peer's telemetry channel (rate-limited, skipped under backpressure). */
  broadcastTelemetry(msg: TelemetryMessage): number {
    return this.fanout.broadcastTelemetry(msg);
  }

  get peerCount(): number {
    return this.fanout.peerCount;
  }

  stats(): WebRtcServiceStats {
    return { ...this.fanout.stats(this.#h264.encoder), feed: this.#h264.feedCounters };
  }

  /** Ends the peers; the encoder is the H264Service's to close. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.whep.close();
    this.fanout.close();
  }
}
