// What route groups share. Built once by the server; routes read it, they
// never construct engine parts themselves.

import type * as UWS from 'uWebSockets.js';
import type { SkyfeedConfig } from '../config/types.js';
import type { FramePipeline } from '../pipeline/frame-pipeline.js';
import type { Fanout } from '../stream/fanout.js';
import type { QualityPolicy } from '../stream/quality-tiers.js';
import type { CorsPolicy } from './cors.js';
import type { StreamStats } from '../stream/stream-stats.js';
import type { AppController } from '../app/controller.js';
import type { ConfigService } from '../config/config-service.js';
import type { RateLimiter } from './rate-limit.js';
import type { AccessGuard } from './auth/access-guard.js';
import type { TokenStore } from './auth/token-store.js';
import type { SessionStore } from './auth/sessions.js';
import type { Router, RouteEntry } from './router.js';

/** Settings that apply to the running stream without a restart. */
export interface LiveControls {
  /** New capture rate; clients that did not ask for their own fps follow it. */
  setFps(fps: number): Promise<void>;
  /** New default quality; clients that did not ask for their own follow it. */
  setQuality(quality: number): void;
}

export interface ServerContext {
  uws: typeof UWS;
  config: SkyfeedConfig;
  pipeline: FramePipeline;
  fanout: Fanout;
  stats: StreamStats;
  policy: QualityPolicy;
  cors: CorsPolicy;
  startedAt: number;
  live: LiveControls;
  /** Tracking, following, smart mode, video health: what the control routes call. */
  controller: AppController;
  /** Reads and writes the user's config file (the config API). */
  settings: ConfigService;
  /** Per-client sliding windows for config writes and commands. */
  limiter: RateLimiter;
  /** True once shutdown began: new streams are refused. */
  shuttingDown: boolean;
  /** Served over TLS (http.tls): cookies get Secure, our own origin is https. */
  secure: boolean;
  auth: AuthServices;
  /** Every route the router registered, with its role (filled at start-up). */
  routes: readonly RouteEntry[];
}

export interface AuthServices {
  guard: AccessGuard;
  tokens: TokenStore;
  sessions: SessionStore;
}

export type RouteGroup = (router: Router, ctx: ServerContext) => void;
