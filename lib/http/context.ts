// What route groups share. Built once by the server; routes read it, they
// never construct engine parts themselves, and they change the running
// engine only through the services' own methods.

import type * as UWS from 'uWebSockets.js';
import type { SkyfeedConfig } from '../config/types.js';
import type { FrameBus } from '../bus/frame-bus.js';
import type { JpegPipeline } from '../encode/jpeg-pipeline.js';
import type { Fanout } from '../stream/fanout.js';
import type { QualityPolicy } from '../policy/quality-tiers.js';
import type { StreamStats } from '../stream/stream-stats.js';
import type { AppController } from '../app/controller.js';
import type { LiveSettings } from '../app/live-settings.js';
import type { VideoService } from '../app/video-service.js';
import type { WebRtcService } from '../app/webrtc-service.js';
import type { FlightService } from '../app/flight-service.js';
import type { EncoderDetection } from '../encode/hw/encoder-detection.js';
import type { RestreamHub } from '../stream/restream/index.js';
import type { RateLimiter } from '../util/rate-limiter.js';
import type { TrackerClient } from '../vision/tracker-client.js';
import type { CorsPolicy } from './cors.js';
import type { AccessGuard } from './auth/access-guard.js';
import type { TokenStore } from './auth/token-store.js';
import type { SessionStore } from './auth/sessions.js';
import type { Router, RouteEntry } from './router.js';

export interface ServerContext {
  uws: typeof UWS;
  /** The running configuration: read here, written only by `settings`. */
  readonly config: Readonly<SkyfeedConfig>;
  bus: FrameBus;
  jpeg: JpegPipeline;
  fanout: Fanout;
  stats: StreamStats;
  policy: QualityPolicy;
  cors: CorsPolicy;
  startedAt: number;
  /** The video source: health, reconnect. */
  video: VideoService;
  /** WebRTC peers and their encoder; null when webrtc.enabled is false. */
  webrtc: WebRtcService | null;
  /** Hardware-encoder detection and the H.264 choice (GET /status encoders). */
  encoders: EncoderDetection;
  /** Restream targets (empty when restream.targets is). */
  restream: RestreamHub;
  /** The vehicle link, follower and offboard state machine; null with vehicle.connection none. */
  flight: FlightService | null;
  /** The tracker thread's counters and pass durations (read by /metrics). */
  tracker: Pick<TrackerClient, 'counters' | 'msHistogram'>;
  /** Tracking, following, smart mode: what the command routes call. */
  controller: AppController;
  /** Config writes (store + live application) and the store's reads. */
  settings: LiveSettings;
  /** Per-client sliding windows for config writes, commands and failed tokens. */
  limiter: RateLimiter;
  /** True once shutdown began: new streams are refused. */
  shuttingDown: boolean;
  /** `hook` runs synchronously when shutdown begins (a route group ends its own sockets with 1001). */
  onShutdown(hook: () => void): void;
  /** Served over TLS (http.tls): cookies get Secure, our own origin is https. */
  secure: boolean;
  auth: AuthServices;
  /** Every route the router registered, with its role. */
  routes: readonly RouteEntry[];
}

export interface AuthServices {
  guard: AccessGuard;
  tokens: TokenStore;
  sessions: SessionStore;
}

export type RouteGroup = (router: Router, ctx: ServerContext) => void;
