// Assembles the engine: capture → pipeline (pool + rings) → fan-out → uWS.

import type * as UWS from 'uWebSockets.js';
import type { SkyfeedConfig } from './config/types.js';
import { loadUws } from './http/uws.js';
import { corsPolicy } from './http/cors.js';
import type { RouteGroup, ServerContext } from './http/context.js';
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
import { fallbackRoutes } from './http/routes/fallback.js';
import { createControlPlane, type ControlPlaneOptions } from './app/control-plane.js';
import { commandRoutes } from './http/routes/commands.js';
import { telemetryRoutes } from './http/routes/telemetry.js';
import { configApiRoutes } from './http/routes/config-api.js';
import { videoHealthRoutes } from './http/routes/video-health.js';
import { trackerFollowerRoutes } from './http/routes/tracker-follower.js';
import { openapiRoutes } from './http/routes/openapi.js';

/** Route groups in registration order; the fallback (404, OPTIONS) stays last. */
const routeGroups: RouteGroup[] = [
  pageRoutes, videoFeedRoutes, wsVideoFeedRoutes, streamStatsRoutes,
  commandRoutes, telemetryRoutes, configApiRoutes, videoHealthRoutes, trackerFollowerRoutes,
  openapiRoutes,
];

export interface SkyfeedServer {
  readonly config: SkyfeedConfig;
  readonly context: ServerContext;
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
  const core: Omit<ServerContext, 'controller' | 'settings' | 'limiter'> = {
    uws, config, pipeline, fanout, stats,
    policy: qualityPolicy(s),
    cors: corsPolicy(config.http.cors),
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
  const ctx: ServerContext = Object.assign(core, createControlPlane(core, options));
  // MJPEG passthrough tier: clients at the camera's quality (source.jpeg_quality,
  // else the default stream quality) get a JPEG source's frames as they are.
  pipeline.passthroughQuality = tierOf(config.source.jpeg_quality ?? s.quality, ctx.policy);
  const app = uws.App();
  for (const group of routeGroups) group(app, ctx);
  fallbackRoutes(app, ctx);

  let listenSocket: UWS.us_listen_socket | null = null;
  let closing: Promise<void> | null = null;

  return {
    config,
    context: ctx,
    async start() {
      // A source that fails at start leaves the server up, without video
      // (v4l2/ffmpeg never reject here: they show NO SIGNAL and reconnect).
      const source = createSource(config);
      await pipeline.start(source).catch((err: Error) => {
        console.error(`skyfeed: video source ${source.type} failed to start (${err.message}); serving without video`);
      });
      return new Promise<number>((resolve, reject) => {
        app.listen(config.http.host, config.http.port, (sock) => {
          if (!sock) return reject(new Error(`cannot listen on ${config.http.host}:${config.http.port}`));
          listenSocket = sock;
          resolve(uws.us_socket_local_port(sock));
        });
      });
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
