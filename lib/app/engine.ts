// The streaming engine without an HTTP front end: frame bus, video source,
// JPEG pipeline, fan-out and statistics, and WebRTC, built from a configuration. The
// uWS server wraps it (lib/server.ts); the benchmark's node:http ablation
// wraps the same engine, so the comparison isolates the HTTP layer.

import type { SkyfeedConfig } from '../config/types.js';
import { encodedSlots } from '../config/derived.js';
import { FrameBus } from '../bus/frame-bus.js';
import { createSource } from '../capture/create-source.js';
import { JpegPipeline } from '../encode/jpeg-pipeline.js';
import { PoolEncoder } from '../encode/pool-encoder.js';
import type { JpegEncoderFactory } from '../encode/jpeg-encoder.js';
import { EncoderDetection } from '../encode/hw/encoder-detection.js';
import { encodeWorkerCount } from '../policy/encoded-slots.js';
import { qualityPolicy, type QualityPolicy } from '../policy/quality-tiers.js';
import { Fanout } from '../stream/fanout.js';
import { StreamStats } from '../stream/stream-stats.js';
import { RestreamHub, targetSpec } from '../stream/restream/index.js';
import { H264Service } from './h264-service.js';
import { OsdFeed } from './osd-feed.js';
import { VideoService } from './video-service.js';
import { WebRtcService, type WebRtcTuning } from './webrtc-service.js';
import { logger } from '../util/log.js';

export interface EngineOptions {
  /**
   * Where JPEG encodes run. Default: the worker pool. The benchmark injects
   * its main-thread ablation here; it is not a configuration value.
   */
  encoder?: JpegEncoderFactory;
  /**
   * Engine knobs below the configuration (restart backoff, GOP cache size,
   * connect timeout, telemetry rate): tests shorten or shrink them to see
   * behaviour in seconds. Not configuration values.
   */
  webrtc?: WebRtcTuning;
}

export interface Engine {
  /** The running configuration (owned by LiveSettings once the control plane exists). */
  readonly config: SkyfeedConfig;
  readonly bus: FrameBus;
  readonly jpeg: JpegPipeline;
  readonly fanout: Fanout;
  readonly stats: StreamStats;
  readonly video: VideoService;
  /** The shared H.264 encode; null when neither WebRTC nor a restream target wants it. */
  readonly h264: H264Service | null;
  /** WebRTC peers over the shared encode; null when webrtc.enabled is false. */
  readonly webrtc: WebRtcService | null;
  /** Hardware-encoder detection, started with the engine; picks webrtc.encoder's fallback. */
  readonly encoders: EncoderDetection;
  /** restream.targets (RTP to media servers) over the shared encode; empty when none are configured. */
  readonly restream: RestreamHub;
  readonly policy: QualityPolicy;
  /** What the encoders draw (osd.*) and label frames with; the control plane attaches the controller's state. */
  readonly osd: OsdFeed;
  /** Starts the JPEG encoders, the video source, then the autostart restream targets. */
  start(): Promise<void>;
  /** Ends every stream, stops the source and the encoder. Idempotent. */
  close(): Promise<void>;
}

/** Raw frames kept per slot: RGB24 is the largest format a source writes. */
const BYTES_PER_PIXEL = 3;

export function createEngine(config: SkyfeedConfig, opts: EngineOptions = {}): Engine {
  const s = config.streaming;
  const bus = new FrameBus({ slots: config.pipeline.ring_slots, width: s.width, height: s.height, slotBytes: s.width * s.height * BYTES_PER_PIXEL });
  const workers = encodeWorkerCount(config.pipeline.workers);
  const encoder = opts.encoder ? opts.encoder(workers) : new PoolEncoder(workers);
  const osd = new OsdFeed(config);
  const jpeg = new JpegPipeline(bus, encoder, {
    encodedSlots: encodedSlots(config), skipIdentical: s.skip_identical_frames, enableCache: s.enable_cache, cacheTtlMs: s.cache_ttl_ms, osd,
  });
  const fanout = new Fanout(jpeg, s.stalled_client_timeout_s);
  const stats = new StreamStats(bus, jpeg, fanout);
  const video = new VideoService({
    bus,
    makeSource: () => createSource(config),
    requestedFps: () => config.streaming.fps,
    measuredFps: () => stats.captureFps,
    log: (line) => logger('video').warn(line),
  });
  // In the background (it runs trial encodes): listening does not wait, the first H.264 spawn does.
  const specs = config.restream.targets.map(targetSpec);
  const h264Wanted = config.webrtc.enabled || specs.length > 0;
  const encoders = new EncoderDetection({
    configured: config.webrtc.encoder, ffmpegPath: config.source.ffmpeg_path ?? 'ffmpeg', h264: h264Wanted,
    log: (line) => logger('h264').warn(`h264 encoder: ${line}`),
  });
  const h264Tuning = { ...opts.webrtc, encoder: { encoderChoice: encoders.h264Encoder(), ...opts.webrtc?.encoder } };
  const h264 = h264Wanted ? new H264Service(bus, config, h264Tuning, osd) : null;
  const webrtc = h264 && config.webrtc.enabled ? new WebRtcService(h264, config, opts.webrtc) : null;
  const restream = new RestreamHub(specs, h264 && { source: h264.encoder, hold: () => h264.hold() }, {
    log: (line) => logger('restream').info(line),
  });
  let closing: Promise<void> | null = null;
  return {
    config, bus, jpeg, fanout, stats, video, h264, webrtc, restream, encoders, policy: qualityPolicy(s), osd,
    async start() {
      await jpeg.start();
      await video.start();
      restream.startAutostart();
    },
    close() {
      closing ??= (async () => {
        fanout.closeAll(1001, 'Server shutting down');
        stats.close();
        restream.close();
        webrtc?.close();
        await h264?.close();
        await video.close();
        await jpeg.close();
      })();
      return closing;
    },
  };
}
