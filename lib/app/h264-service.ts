// The one H.264 encode of the camera: an ffmpeg process fed from the frame
// bus, running only while someone holds it (a WebRTC peer, a restream
// target, a bench baseline). WebRTC and the restreamer both consume its
// access units; neither owns it.

import type { FrameBus, Subscription } from '../bus/frame-bus.js';
import type { SkyfeedConfig } from '../config/types.js';
import { H264BusFeed, type H264FeedCounters } from '../encode/h264/bus-feed.js';
import { DemandGate, H264Encoder, type H264EncoderOptions } from '../encode/h264/index.js';
import type { OsdSource } from '../encode/osd/osd-state.js';
import { logger } from '../util/log.js';

/** Rate the encoder is told when the capture is demand-paced (streaming.fps 0). */
const FALLBACK_FPS = 30;

/** Overrides for the engine's own defaults (tests shorten them); not configuration values. */
export interface H264Tuning {
  encoder?: Partial<Pick<H264EncoderOptions, 'restartMinMs' | 'gopCacheUnits' | 'framing' | 'encoderChoice'>>;
  /** Encoder stop delay after the last holder, in ms (config: webrtc.idle_stop_s). */
  idleStopMs?: number;
}

export class H264Service {
  readonly encoder: H264Encoder;
  /** The rate the encoder is told (and the feed paces to). */
  readonly fps: number;
  readonly #gate: DemandGate;
  readonly #feed: H264BusFeed;
  readonly #subscription: Subscription;
  readonly #bus: FrameBus;
  #closed = false;

  /** `osd`: drawn on the encoder's copy of each frame while its preset is on. */
  constructor(bus: FrameBus, config: SkyfeedConfig, tuning: H264Tuning = {}, osd?: OsdSource) {
    const w = config.webrtc;
    this.#bus = bus;
    this.fps = config.streaming.fps || FALLBACK_FPS;
    this.encoder = new H264Encoder({
      width: config.streaming.width, height: config.streaming.height, fps: this.fps,
      encoder: w.encoder, bitrateKbps: w.bitrate_kbps, gop: w.gop || this.fps, profile: w.profile,
      ffmpegPath: config.source.ffmpeg_path ?? 'ffmpeg', vaapiDevice: w.vaapi_device,
      log: (m) => logger('h264').warn(`h264 encoder: ${m}`),
      ...tuning.encoder,
    });
    this.#gate = new DemandGate(this.encoder, tuning.idleStopMs ?? w.idle_stop_s * 1000);
    this.#feed = new H264BusFeed(bus, this.encoder, this.fps, () => this.#gate.users > 0, osd);
    this.#subscription = bus.subscribe(this.#feed);
  }

  /** Keeps the encoder running until the returned release is called (idempotent release). */
  hold(): () => void {
    const release = this.#gate.acquire();
    // The encoder now runs: wake an idle camera for it.
    this.#bus.release();
    return release;
  }

  /** Holders right now (peers + restream targets + others). */
  get holders(): number {
    return this.#gate.users;
  }

  get feedCounters(): H264FeedCounters {
    return { ...this.#feed.counters };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#gate.close();
    this.#subscription.close();
    await this.encoder.close();
  }
}
