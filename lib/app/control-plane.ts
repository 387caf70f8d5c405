// Builds the control side of the server around an engine: the controller
// (tracking, smart mode, offboard), the config store and the live settings
// that apply its immediate tier, and the rate limiter.

import { ConfigService } from '../config/config-service.js';
import { RateLimiter } from '../util/rate-limiter.js';
import { BuiltinController } from './builtin-controller.js';
import { LiveSettings } from './live-settings.js';
import type { Engine } from './engine.js';
import { TelemetryFeed } from './telemetry-feed.js';
import { DetectorClient } from '../vision/detector-client.js';
import { TrackerClient } from '../vision/tracker-client.js';

export interface ControlPlaneOptions {
  /** The user's YAML the config API writes; undefined: writes refused. */
  configFile?: string;
}

export interface ControlPlane {
  controller: BuiltinController;
  tracker: TrackerClient;
  detector: DetectorClient;
  settings: LiveSettings;
  limiter: RateLimiter;
  /** Stops the plane's timers (limiter sweep, telemetry push) and the vision threads. Idempotent. */
  close(): Promise<void>;
}

export function createControlPlane(engine: Engine, opts: ControlPlaneOptions = {}): ControlPlane {
  const { config, jpeg, fanout, video, policy } = engine;
  const limiter = new RateLimiter(config.rate_limit);
  // The tracker and the smart-mode detector are frame-bus consumers with
  // threads of their own, started on first use.
  const tracker = new TrackerClient(engine.bus, {
    output: (_o, status) => { if (!status.tracking_started) controller.trackerStopped(); },
    failed: () => controller.trackerStopped(),
  });
  const detector = new DetectorClient(engine.bus, config.smart.model_path, config.smart.detect_fps);
  const subscriptions = [engine.bus.subscribe(tracker), engine.bus.subscribe(detector)];
  const controller = new BuiltinController({
    frame: () => ({ width: config.streaming.width, height: config.streaming.height }),
    hasFrame: () => video.hasLiveFrame(),
    vision: { tracker, detector },
  });
  engine.osd.attach((captureMs) => controller.osdState(captureMs));
  const store = new ConfigService(config, { file: opts.configFile });
  store.init().catch((err: Error) => console.error(`skyfeed: cleaning stale config temp files failed: ${err.message}`));
  const settings = new LiveSettings(config, { store, jpeg, fanout, video, limiter, policy });
  const telemetry = engine.webrtc ? new TelemetryFeed(engine.bus, controller, engine.webrtc) : null;
  return {
    controller, settings, limiter, tracker, detector,
    async close() {
      limiter.close();
      telemetry?.close();
      for (const sub of subscriptions) sub.close();
      await Promise.all([tracker.close(), detector.close()]);
    },
  };
}
