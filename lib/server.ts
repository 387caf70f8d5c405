// Wiring only: the engine (bus, source, JPEG pipeline, fan-out), the control
// plane (controller, live settings, limiter), auth, and the uWS routes.

import type * as UWS from 'uWebSockets.js';
import type { SkyfeedConfig } from './config/types.js';
import { createEngine, type EngineOptions } from './app/engine.js';
import { createControlPlane, type ControlPlaneOptions } from './app/control-plane.js';
import { createApp, loadUws } from './http/uws.js';
import { corsPolicy } from './http/cors.js';
import type { RouteGroup, ServerContext } from './http/context.js';
import { Router, type RouteEntry } from './http/router.js';
import { listenExclusive } from './http/listen.js';
import { AccessGuard } from './http/auth/access-guard.js';
import { TokenStore } from './http/auth/token-store.js';
import { SessionStore } from './http/auth/sessions.js';
import { hostPolicy } from './http/auth/host-policy.js';
import { announceAuth, tokensFileFor } from './http/auth/bootstrap.js';
import { pageRoutes } from './http/routes/page.js';
import { authRoutes } from './http/routes/auth.js';
import { videoFeedRoutes } from './http/routes/video-feed.js';
import { wsVideoFeedRoutes } from './http/routes/ws-video-feed.js';
import { wsTelemetryRoutes } from './http/routes/ws-telemetry.js';
import { streamStatsRoutes } from './http/routes/stream-stats.js';
import { commandRoutes } from './http/routes/commands.js';
import { telemetryRoutes } from './http/routes/telemetry.js';
import { configApiRoutes } from './http/routes/config-api.js';
import { videoHealthRoutes } from './http/routes/video-health.js';
import { trackerFollowerRoutes } from './http/routes/tracker-follower.js';
import { openapiRoutes } from './http/routes/openapi.js';
import { webrtcRoutes } from './http/routes/webrtc.js';
import { restreamRoutes } from './http/routes/restream.js';
import { simRoutes } from './http/routes/sim.js';
import { vehicleRoutes } from './http/routes/vehicle.js';
import { metricsRoutes } from './http/routes/metrics.js';

/** Route groups in registration order; the router's fallback (404, OPTIONS) goes last. */
const routeGroups: RouteGroup[] = [
  pageRoutes, authRoutes, videoFeedRoutes, wsVideoFeedRoutes, wsTelemetryRoutes, webrtcRoutes, restreamRoutes, simRoutes, streamStatsRoutes,
  commandRoutes, telemetryRoutes, vehicleRoutes, configApiRoutes, videoHealthRoutes, trackerFollowerRoutes,
  openapiRoutes, metricsRoutes,
];

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

/** `configFile`: the user's YAML the config API saves to (main passes --config); `encoder`: see EngineOptions. */
export type ServerOptions = ControlPlaneOptions & EngineOptions;

export function createServer(config: SkyfeedConfig, options: ServerOptions = {}): SkyfeedServer {
  const uws = loadUws();
  const app = createApp(uws, config.http.tls);
  const engine = createEngine(config, options);
  const plane = createControlPlane(engine, options);
  const secure = config.http.tls !== undefined;
  const cors = corsPolicy(config.http.cors, secure ? 'https' : 'http');
  const tokens = new TokenStore(tokensFileFor(config, options.configFile));
  const sessions = new SessionStore(config.auth.session_ttl_s);
  const guard = new AccessGuard({
    auth: config.auth, tokens, sessions, cors, limiter: plane.limiter, hosts: hostPolicy(config.http.allowed_hosts),
  });
  const router = new Router(app, guard, cors);
  const shutdownHooks: (() => void)[] = [];
  const ctx: ServerContext = {
    uws, config, bus: engine.bus, jpeg: engine.jpeg, fanout: engine.fanout, stats: engine.stats, policy: engine.policy,
    video: engine.video, webrtc: engine.webrtc, restream: engine.restream, encoders: engine.encoders, flight: plane.flight,
    tracker: plane.tracker, controller: plane.controller, settings: plane.settings, limiter: plane.limiter,
    cors, secure, startedAt: Date.now(), shuttingDown: false, auth: { guard, tokens, sessions }, routes: router.routes,
    onShutdown: (hook) => void shutdownHooks.push(hook),
  };
  for (const group of routeGroups) group(router, ctx);
  router.fallback();

  let listenSocket: UWS.us_listen_socket | null = null;
  let closing: Promise<void> | null = null;

  return {
    config,
    context: ctx,
    routes: router.routes,
    async start() {
      await engine.start();
      try {
        await plane.start();
      } catch (err) {
        await plane.close();
        await engine.close();
        throw err;
      }
      await announceAuth(config, tokens);
      try {
        listenSocket = await listenExclusive(app, config.http.host, config.http.port);
      } catch (err) {
        await plane.close();
        await engine.close();
        throw err;
      }
      return uws.us_socket_local_port(listenSocket);
    },
    close() {
      if (closing) return closing;
      ctx.shuttingDown = true;
      for (const hook of shutdownHooks) hook();
      closing = (async () => {
        if (listenSocket) uws.us_listen_socket_close(listenSocket);
        listenSocket = null;
        await plane.close();
        await engine.close();
      })();
      return closing;
    },
  };
}
