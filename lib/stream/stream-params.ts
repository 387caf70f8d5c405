// A stream client's quality and fps from its query string (?quality=&fps=),
// within the configured bounds; the same rules for MJPEG, WebSocket and the
// bench's node:http ablation.

import type { StreamingConfig } from '../config/types.js';
import { intParam } from '../util/int-param.js';

/** The rate a client gets when it asks for none: the capture rate, within bounds (fps 0: max_fps). */
export function defaultClientFps(s: StreamingConfig, sourceFps = s.fps): number {
  return Math.min(s.max_fps, Math.max(s.min_fps, sourceFps || s.max_fps));
}

export interface StreamParams {
  quality: number;
  fps: number;
  /** Absent from the query: the client follows the configured default live. */
  defaultQuality: boolean;
  defaultFps: boolean;
}

/** Throws QueryError (a 400) for a value that is not an integer within bounds. */
export function streamParams(query: URLSearchParams, s: StreamingConfig): StreamParams {
  return {
    quality: intParam(query, 'quality', s.quality, s.min_quality, s.max_quality),
    fps: intParam(query, 'fps', defaultClientFps(s), s.min_fps, s.max_fps),
    defaultQuality: !query.has('quality'),
    defaultFps: !query.has('fps'),
  };
}
