// Maps the engine's FrameSource health (lib/capture/source.ts) onto the
// original's /api/video/health fields (api-contract.md). Kept in one small
// function so real sources (V4L2, ffmpeg) only need to fill SourceHealth.

import type { SourceHealth } from '../capture/source.js';

export interface VideoHealth {
  status: 'healthy' | 'degraded' | 'recovering' | 'failed' | 'unavailable';
  consecutive_failures: number;
  /** Seconds since the newest frame; null before the first. */
  time_since_last_frame: number | null;
  is_recovering: boolean;
  recovery_attempts: number;
  connection_open: boolean;
  video_source_type: string | null;
  /** Sources do not expose their backoff timer yet; null until they do. */
  next_recovery_in_seconds: number | null;
  requested_fps: number;
  effective_fps: number;
  last_capture_error: string | null;
  frames_captured: number;
}

/** Seconds without a frame after which a "healthy" source is reported degraded. */
const STALE_S = 2;

export function mapVideoHealth(h: SourceHealth | undefined, requestedFps: number, effectiveFps: number, nowMs = Date.now()): VideoHealth {
  const since = h && h.lastFrameAt > 0 ? Math.max(0, (nowMs - h.lastFrameAt) / 1000) : null;
  let status: VideoHealth['status'] = !h || since === null ? 'unavailable' : h.state;
  // A source that says healthy but has gone quiet is not healthy for the operator.
  if (status === 'healthy' && since !== null && since > STALE_S) status = 'degraded';
  return {
    status,
    consecutive_failures: h?.consecutiveFailures ?? 0,
    time_since_last_frame: since === null ? null : Math.round(since * 1000) / 1000,
    is_recovering: h?.state === 'recovering',
    recovery_attempts: h?.recoveryAttempts ?? 0,
    connection_open: !!h && h.state !== 'failed' && h.state !== 'unavailable',
    video_source_type: h?.type ?? null,
    next_recovery_in_seconds: null,
    requested_fps: requestedFps,
    effective_fps: Math.round(effectiveFps * 10) / 10,
    last_capture_error: h?.lastError ?? null,
    frames_captured: h?.frames ?? 0,
  };
}
