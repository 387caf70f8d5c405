// Builds the control side of the server (controller, config service, rate
// limiter) from the engine parts, and decides how `immediate` config
// parameters reach the running engine. Source swaps (fps change, video
// reconnect) share one lock: two swaps at once would leak a running source.

import type { ServerContext } from '../http/context.js';
import { RateLimiter } from '../http/rate-limit.js';
import { ConfigService } from '../config/config-service.js';
import { createSource } from '../capture/create-source.js';
import { Mutex } from '../util/mutex.js';
import { BuiltinController } from './builtin-controller.js';
import { videoHealthBody } from '../capture/video-health.js';

export interface ControlPlaneOptions {
  /** The user's YAML the config API writes; undefined: writes refused. */
  configFile?: string;
}

type Core = Omit<ServerContext, 'controller' | 'settings' | 'limiter' | 'auth' | 'routes'>;

/** How long a reconnect waits for the first new frame. */
const RECONNECT_WAIT_MS = 3000;

export function createControlPlane(core: Core, opts: ControlPlaneOptions = {}): Pick<ServerContext, 'controller' | 'settings' | 'limiter'> {
  const { config, pipeline, stats, live } = core;
  const sourceLock = new Mutex();
  const limiter = new RateLimiter(config.rate_limit);

  // Live camera frames only: the NO SIGNAL frames a failed source shows its
  // viewers pass through the pipeline too, and must not let tracking start
  // on a placeholder picture.
  const hasFrame = () => (pipeline.source?.health().frames ?? 0) > 0;

  const reconnectVideo = () => sourceLock.run(async () => {
    // A self-healing source (v4l2, ffmpeg) knows how to retry in place.
    const current = pipeline.source;
    if (current?.reconnect) return current.reconnect();
    const fresh = createSource(config);
    try {
      await pipeline.replaceSource(fresh);
    } catch {
      return false; // the source's health carries the error
    }
    // Count only the new source's frames: the old one may deliver while closing.
    const deadline = Date.now() + RECONNECT_WAIT_MS;
    while (fresh.health().frames === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    return fresh.health().frames > 0;
  });

  const controller = new BuiltinController({
    frame: () => ({ width: config.streaming.width, height: config.streaming.height }),
    hasFrame,
    videoHealth: () => videoHealthBody(pipeline.source, config.streaming.fps, stats.captureFps),
    reconnectVideo,
  });

  const applyImmediate = async (section: string, param: string, value: unknown) => {
    const key = `${section}.${param}`;
    if (key === 'streaming.fps') return sourceLock.run(() => live.setFps(value as number));
    if (key === 'streaming.quality') return live.setQuality(value as number);
    if (section === 'rate_limit') {
      (config.rate_limit as unknown as Record<string, unknown>)[param] = value;
      return limiter.configure(config.rate_limit);
    }
    throw new Error(`${key} has no live setter`);
  };

  const settings = new ConfigService(config, { file: opts.configFile, applyImmediate });
  settings.init().catch((err: Error) => console.error(`skyfeed: cleaning stale config temp files failed: ${err.message}`));
  return { controller, settings, limiter };
}
