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
import { FlightService } from './flight-service.js';
import { logger } from '../util/log.js';

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
  /** The vehicle side; null with vehicle.connection none. */
  flight: FlightService | null;
  /** Opens the vehicle link (for sim: starts the simulated vehicle). */
  start(): Promise<void>;
  /** Stops the plane's timers (limiter sweep, telemetry push) and the vision threads. Idempotent. */
  close(): Promise<void>;
}

export function createControlPlane(engine: Engine, opts: ControlPlaneOptions = {}): ControlPlane {
  const { config, jpeg, fanout, video, policy } = engine;
  const limiter = new RateLimiter(config.rate_limit);
  const store = new ConfigService(config, { file: opts.configFile });
  const flight = config.vehicle.connection === 'none' ? null : new FlightService({
    config, video, audit: () => store.audit, log: (line) => logger('vehicle').info(line),
  });
  // The tracker and the smart-mode detector are frame-bus consumers with
  // threads of their own, started on first use. Every tracker output reaches
  // the follower as it arrives (it computes setpoints even while not
  // following: the preview).
  const tracker = new TrackerClient(engine.bus, {
    output: (o, status) => {
      if (status.tracking_started) flight?.trackerOutput(o);
      else controller.trackerStopped();
    },
    failed: () => controller.trackerStopped(),
  });
  const detector = new DetectorClient(engine.bus, config.smart.model_path, config.smart.detect_fps);
  const subscriptions = [engine.bus.subscribe(tracker), engine.bus.subscribe(detector)];
  const controller = new BuiltinController({
    frame: () => ({ width: config.streaming.width, height: config.streaming.height }),
    hasFrame: () => video.hasLiveFrame(),
    vision: { tracker, detector },
    flight: flight ?? undefined,
  });
  // Following can end without a command (loss action, link lost, the vehicle left OFFBOARD).
  flight?.vehicle.on('transition', () => controller.followingChanged());
  engine.osd.attach((captureMs) => controller.osdState(captureMs));
  store.init().catch((err: Error) => logger('config').warn(`cleaning stale config temp files failed: ${err.message}`));
  const settings = new LiveSettings(config, { store, jpeg, fanout, video, limiter, policy });
  const telemetry = engine.webrtc ? new TelemetryFeed(engine.bus, controller, engine.webrtc) : null;
  return {
    controller, settings, limiter, tracker, detector, flight,
    async start() {
      await flight?.start();
    },
    async close() {
      limiter.close();
      telemetry?.close();
      for (const sub of subscriptions) sub.close();
      await Promise.all([tracker.close(), detector.close(), flight?.close()]);
    },
  };
}
