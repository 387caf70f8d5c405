// Chooses the frame source from a validated config (source.type; the loader
// has already required device/input and checked pixel formats). The real
// sources are wrapped in ResilientSource: reconnect with backoff, NO SIGNAL
// while down.

import type { SkyfeedConfig } from '../config/types.js';
import { ConfigError } from '../config/load.js';
import type { FrameSource } from './source.js';
import { SyntheticSource } from './synthetic-source.js';
import { ResilientSource, type ResilientOptions } from './resilient-source.js';
import { FfmpegSession } from './ffmpeg-session.js';
import { V4l2Session } from './v4l2-session.js';
import { logger } from '../util/log.js';

const log = logger('video');

export function createSource(config: SkyfeedConfig): FrameSource {
  const src = config.source;
  const s = config.streaming;
  const resilience: ResilientOptions = {
    fps: s.fps,
    reconnectMinMs: src.reconnect_min_ms ?? 1000,
    reconnectMaxMs: Math.max(src.reconnect_min_ms ?? 1000, src.reconnect_max_ms ?? 10000),
    stallTimeoutMs: src.stall_timeout_ms ?? 5000,
    noSignalFps: src.no_signal_fps ?? 2,
    // A source state change: warn when video is lost, info when it is back.
    log: (line, change) => (change.state === 'healthy' ? log.info(change, line) : log.warn(change, line)),
  };
  switch (src.type) {
    case 'synthetic':
      return new SyntheticSource({ fps: s.fps, scene: src.scene ?? 'moving', frameCode: src.frame_code ?? false });
    case 'ffmpeg': {
      const input = src.input!;
      return new ResilientSource('ffmpeg', () => new FfmpegSession({
        input, width: s.width, height: s.height, fps: s.fps, loop: src.loop ?? false,
        output: src.pixel_format ?? 'rgb24', inputOptions: src.input_options ?? [],
        ffmpegPath: src.ffmpeg_path ?? 'ffmpeg',
      }), resilience);
    }
    case 'v4l2': {
      const device = src.device!;
      const pixelFormat = src.pixel_format === 'rgb24' ? undefined : src.pixel_format;
      return new ResilientSource('v4l2', () => new V4l2Session({
        device, width: s.width, height: s.height, fps: s.fps,
        pixelFormat, buffers: src.buffers ?? 4,
      }), resilience);
    }
    default:
      throw new ConfigError('source', [`source.type ${String(src.type)} is not available in this build`]);
  }
}
