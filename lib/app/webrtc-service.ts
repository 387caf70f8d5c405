// WebRTC, assembled: one H.264 encode of the camera (an ffmpeg process fed
// from the frame bus) that runs only while a peer wants it, its access
// units fanned out to every peer, and the two ways in (signaling sessions
// over a WebSocket, WHEP sessions over HTTP).

import type { FrameBus, Subscription } from '../bus/frame-bus.js';
import type { SkyfeedConfig } from '../config/types.js';
import { H264BusFeed, type H264FeedCounters } from '../encode/h264/bus-feed.js';
import { DemandGate, H264Encoder, type H264EncoderOptions } from '../encode/h264/index.js';
import type { OsdSource } from '../encode/osd/osd-state.js';
import {
  SignalingSession, WebRtcFanout, WhepEndpoint, type SignalingOutgoing, type TelemetryMessage, type WebRtcFanoutOptions,
  type WebRtcStats,
} from '../stream/webrtc/index.js';
import { logger } from '../util/log.js';

/** Rate the encoder is told when the capture is demand-paced (streaming.fps 0). */
const FALLBACK_FPS = 30;

/** Overrides for the engine's own defaults; see EngineOptions.webrtc. */
export interface WebRtcTuning {
  encoder?: Partial<Pick<H264EncoderOptions, 'restartMinMs' | 'gopCacheUnits' | 'framing'>>;
  fanout?: Partial<Pick<WebRtcFanoutOptions, 'connectTimeoutMs' | 'telemetryMaxHz' | 'stalledTimeoutMs'>>;
  /** Encoder stop delay after the last peer, in ms (config: idle_stop_s). */
  idleStopMs?: number;
}

export interface WebRtcServiceStats extends WebRtcStats {
  feed: H264FeedCounters;
}

export class WebRtcService {
  readonly encoder: H264Encoder;
  readonly fanout: WebRtcFanout;
  readonly whep: WhepEndpoint;
  readonly #gate: DemandGate;
  readonly #feed: H264BusFeed;
  readonly #subscription: Subscription;
  readonly #bus: FrameBus;
  #closed = false;

  /** `osd`: drawn on the encoder's copy of each frame while its preset is on. */
  constructor(bus: FrameBus, config: SkyfeedConfig, tuning: WebRtcTuning = {}, osd?: OsdSource) {
    const w = config.webrtc;
    this.#bus = bus;
    const fps = config.streaming.fps || FALLBACK_FPS;
    this.encoder = new H264Encoder({
      width: config.streaming.width, height: config.streaming.height, fps,
      encoder: w.encoder, bitrateKbps: w.bitrate_kbps, gop: w.gop || fps, profile: w.profile,
      ffmpegPath: config.source.ffmpeg_path ?? 'ffmpeg', vaapiDevice: w.vaapi_device,
      log: (m) => logger('webrtc').warn(`webrtc encoder: ${m}`),
      ...tuning.encoder,
    });
    this.#gate = new DemandGate(this.encoder, tuning.idleStopMs ?? w.idle_stop_s * 1000);
    this.#feed = new H264BusFeed(bus, this.encoder, fps, () => this.#gate.users > 0, osd);
    this.#subscription = bus.subscribe(this.#feed);
    this.fanout = new WebRtcFanout(this.encoder, {
      width: config.streaming.width, height: config.streaming.height, fps, maxPeers: w.max_peers,
      stalledTimeoutMs: w.stalled_timeout_s * 1000, iceServers: w.ice_servers, profile: w.profile,
      ...tuning.fanout,
      demand: { acquire: () => this.hold() },
    });
    this.whep = new WhepEndpoint(this.fanout);
  }

  /**
   * Keeps the encoder running until the returned release is called: every
   * peer holds it, and so can a restream target or a bench baseline.
   */
  hold(): () => void {
    const release = this.#gate.acquire();
    // The encoder now runs: wake an idle camera for it.
    this.#bus.release();
    return release;
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
    return { ...this.fanout.stats(this.encoder), feed: { ...this.#feed.counters } };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.whep.close();
    this.fanout.close();
    this.#gate.close();
    this.#subscription.close();
    await this.encoder.close();
  }
}
