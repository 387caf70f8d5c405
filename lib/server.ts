// Assembles the engine: capture → pipeline (pool + rings) → fan-out → uWS.

import type * as UWS from 'uWebSockets.js';
import type { SkyfeedConfig } from './config/types.js';
import { loadUws } from './http/uws.js';
import { corsPolicy } from './http/cors.js';
import type { RouteGroup, ServerContext } from './http/context.js';
import type { RouteEntry } from './http/router.js';
import { FramePipeline, pipelineOptions } from './pipeline/frame-pipeline.js';
import { Fanout } from './stream/fanout.js';
import { StreamStats } from './stream/stream-stats.js';
import { createSource } from './capture/create-source.js';
import { tierOf, qualityPolicy } from './stream/quality-tiers.js';
import { defaultClientFps } from './stream/stream-params.js';
import { pageRoutes } from './http/routes/page.js';
import { videoFeedRoutes } from './http/routes/video-feed.js';
import { wsVideoFeedRoutes } from './http/routes/ws-video-feed.js';
import { streamStatsRoutes } from './http/routes/stream-stats.js';
import { authRoutes } from './http/routes/auth.js';
import { Router } from './http/router.js';
import { AccessGuard } from './http/auth/access-guard.js';
import { TokenStore } from './http/auth/token-store.js';
import { SessionStore } from './http/auth/sessions.js';
import { hostPolicy } from './http/auth/host-policy.js';
import { listenFailureReason } from './http/listen-failure.js';
import path from 'node:path';
import { readFileSync } from 'node:fs';import { createControlPlane, type ControlPlaneOptions } from './app/control-plane.js';
import { commandRoutes } from './http/routes/commands.js';
import { telemetryRoutes } from './http/routes/telemetry.js';
import { configApiRoutes } from './http/routes/config-api.js';
import { videoHealthRoutes } from './http/routes/video-health.js';
import { trackerFollowerRoutes } from './http/routes/tracker-follower.js';
import { openapiRoutes } from './http/routes/openapi.js';

/** Route groups in registration order; the router's fallback (404, OPTIONS) goes last. */
const routeGroups: RouteGroup[] = [
  pageRoutes, authRoutes, videoFeedRoutes, wsVideoFeedRoutes, streamStatsRoutes,
  commandRoutes, telemetryRoutes, configApiRoutes, videoHealthRoutes, trackerFollowerRoutes,
  openapiRoutes,
];

/** Where token hashes live: auth.tokens_file (relative to the config file), else tokens.json beside it; null: memory only. */
export function tokensFileFor(config: SkyfeedConfig, configFile?: string): string | null {
  const base = configFile ? path.dirname(path.resolve(configFile)) : process.cwd();
  if (config.auth.tokens_file) return path.resolve(base, config.auth.tokens_file);
  return configFile ? path.join(base, 'tokens.json') : null;
}

type ListenWithOptions = (host: string, port: number, options: number, cb: (s: UWS.us_listen_socket | false) => void) => void;
/** uWS's LIBUS_LISTEN_EXCLUSIVE_PORT. */
const EXCLUSIVE_PORT = 1;

/** The listener could not be opened; the message names the reason (port in use, permission, address). */
export class ListenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListenError';
  }
}

/**
 * First start with auth on and no token anywhere: create an admin token,
 * keep only its hash, and show it once (as Jupyter does). A disabled auth
 * is said loudly.
 */
async function announceAuth(ctx: ServerContext): Promise<void> {
  const { auth, http } = ctx.config;
  if (!auth.enabled) {
    console.error(`skyfeed: WARNING: auth.enabled is false: anyone who can reach ${http.host}:${http.port} can command the vehicle ` +
      'and change the configuration. Use this on closed test networks only.');
    return;
  }
  const tokens = ctx.auth.tokens;
  if (tokens.list().length > 0) return;
  const token = await tokens.create('admin', 'admin');
  console.log(
    `skyfeed: created an admin token. It is shown this once; ${tokens.file ? `only its hash is kept, in ${tokens.file}` : 'it lives in memory until exit'}:\n` +
      `    ${token}\n` +
      '  Send it as "Authorization: Bearer <token>", or log in with it on the page at /. ' +
      'More tokens: POST /api/auth/tokens or `skyfeed token add NAME ROLE`.',
  );
}

export interface SkyfeedServer {
  readonly config: SkyfeedConfig;
  readonly context: ServerContext;
  /** Every route with the role it needs. */
  readonly routes: readonly RouteEntry[];
  /** Starts capture and listens; resolves with the bound port. */
  start(): Promise<number>;
  /** Stops accepting, ends streams, closes WebSockets with 1001, stops the pool. Idempotent. */
  close(): Promise<void>;
}

/** `configFile`: the user's YAML the config API saves to (main passes --config). */
export type ServerOptions = ControlPlaneOptions;

export function createServer(config: SkyfeedConfig, options: ServerOptions = {}): SkyfeedServer {
  const uws = loadUws();
  const s = config.streaming;
  const pipeline = new FramePipeline(pipelineOptions(config));
  const fanout = new Fanout(pipeline, s.stalled_client_timeout_s);
  const stats = new StreamStats(pipeline, fanout);
  const secure = config.http.tls !== undefined;
  const cors = corsPolicy(config.http.cors, secure ? 'https' : 'http');
  const tokens = new TokenStore(tokensFileFor(config, options.configFile));
  const sessions = new SessionStore(config.auth.session_ttl_s);
  const core: Omit<ServerContext, 'controller' | 'settings' | 'limiter' | 'auth' | 'routes'> = {
    uws, config, pipeline, fanout, stats,
    policy: qualityPolicy(s),
    cors,
    secure,
    startedAt: Date.now(),
    shuttingDown: false,
    live: {
      async setFps(fps) {
        s.fps = fps;
        const clientFps = defaultClientFps(s, fps);
        for (const c of fanout.clients()) {
          c.setSourceFps(fps);
          if (c.followsDefaultFps) c.setFps(clientFps);
        }
        await pipeline.replaceSource(createSource(config));
      },
      setQuality(quality) {
        s.quality = quality;
        if (config.source.jpeg_quality === undefined) pipeline.passthroughQuality = tierOf(quality, ctx.policy);
        const now = performance.now();
        for (const c of fanout.clients()) {
          if (!c.followsDefaultQuality) continue;
          c.quality.request(quality, now);
          fanout.retier(c);
        }
      },
    },
  };
  const plane = createControlPlane(core, options);
  const guard = new AccessGuard({
    auth: config.auth, tokens, sessions, cors, limiter: plane.limiter, hosts: hostPolicy(config.http.allowed_hosts),
  });
  const tls = config.http.tls;
  if (tls) {
    for (const [key, file] of Object.entries(tls)) {
      try {
        readFileSync(file);
      } catch (err) {
        throw new ListenError(`http.tls.${key}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
    }
  }
  const app = tls ? uws.SSLApp({ cert_file_name: tls.cert, key_file_name: tls.key }) : uws.App();
  const router = new Router(app, guard, cors);
  const ctx: ServerContext = Object.assign(core, plane, { auth: { guard, tokens, sessions }, routes: router.routes });
  // MJPEG passthrough tier: clients at the camera's quality (source.jpeg_quality,
  // else the default stream quality) get a JPEG source's frames as they are.
  pipeline.passthroughQuality = tierOf(config.source.jpeg_quality ?? s.quality, ctx.policy);
  for (const group of routeGroups) group(router, ctx);
  router.fallback();

  let listenSocket: UWS.us_listen_socket | null = null;
  let closing: Promise<void> | null = null;

  return {
    config,
    context: ctx,
    routes: router.routes,
    async start() {
      // A source that fails at start leaves the server up, without video
      // (v4l2/ffmpeg never reject here: they show NO SIGNAL and reconnect).
      const source = createSource(config);
      await pipeline.start(source).catch((err: Error) => {
        console.error(`skyfeed: video source ${source.type} failed to start (${err.message}); serving without video`);
      });
      await announceAuth(ctx);
      const { host, port } = config.http;
      const sock = await new Promise<UWS.us_listen_socket | false>((resolve) => {
        // Exclusive: without it the port is shared (SO_REUSEPORT) with a
        // second instance, and requests alternate between the two. The
        // binary takes (host, port, options, cb); its typings lack that overload.
        (app.listen as unknown as ListenWithOptions).call(app, host, port, EXCLUSIVE_PORT, resolve);
      });
      if (!sock) {
        await pipeline.close();
        throw new ListenError(await listenFailureReason(host, port));
      }
      listenSocket = sock;
      return uws.us_socket_local_port(sock);
    },
    close() {
      if (closing) return closing;
      ctx.shuttingDown = true;
      closing = (async () => {
        if (listenSocket) uws.us_listen_socket_close(listenSocket);
        listenSocket = null;
        fanout.closeAll(1001, 'Server shutting down');
        stats.close();
        await pipeline.close();
      })();
      return closing;
    },
  };
}
