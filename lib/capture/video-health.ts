// The `video` object of GET /api/video/health (the API contract's "Video
// resilience"), built from a source's health: the one place where the
// contract's field names meet SourceHealth, so routes stay thin.

import type { FrameSource } from './source.js';

export interface VideoHealth {
  status: 'healthy' | 'degraded' | 'recovering' | 'failed' | 'unavailable';
  consecutive_failures: number;
  /** Seconds since the newest live frame; null before the first. */
  time_since_last_frame: number | null;
  is_recovering: boolean;
  recovery_attempts: number;
  connection_open: boolean;
  video_source_type: string;
  /** Seconds until the next automatic attempt; null when none is scheduled. */
  next_recovery_in_seconds: number | null;
  requested_fps: number;
  effective_fps: number;
  last_capture_error: string | null;
  frames_captured: number;
}

/** Seconds without a frame after which a "healthy" source is reported degraded. */
const STALE_S = 2;

const round = (x: number, k = 1000) => Math.round(x * k) / k;

/**
 * `source` null (none configured, or being replaced): unavailable.
 * `measuredFps` is the capture rate the engine measured, used when the
 * source does not report its own.
 */
export function videoHealthBody(source: FrameSource | null, requestedFps: number, measuredFps = 0, nowMs = Date.now()): VideoHealth {
  if (!source) {
    return {
      status: 'unavailable', consecutive_failures: 0, time_since_last_frame: null, is_recovering: false,
      recovery_attempts: 0, connection_open: false, video_source_type: 'none', next_recovery_in_seconds: null,
      requested_fps: requestedFps, effective_fps: 0, last_capture_error: null, frames_captured: 0,
    };
  }
  const h = source.health();
  const since = h.lastFrameAt > 0 ? Math.max(0, nowMs - h.lastFrameAt) / 1000 : null;
  let status: VideoHealth['status'] = since === null && h.state === 'healthy' ? 'unavailable' : h.state;
  // A source that says healthy but has gone quiet is not healthy for the operator.
  if (status === 'healthy' && since !== null && since > STALE_S) status = 'degraded';
  return {
    status,
    consecutive_failures: h.consecutiveFailures,
    time_since_last_frame: since === null ? null : round(since),
    is_recovering: h.isRecovering ?? h.state === 'recovering',
    recovery_attempts: h.recoveryAttempts,
    connection_open: h.connectionOpen ?? (h.state !== 'failed' && h.state !== 'unavailable'),
    video_source_type: h.type,
    next_recovery_in_seconds: h.nextRecoveryAt ? round(Math.max(0, h.nextRecoveryAt - nowMs) / 1000) : null,
    requested_fps: h.requestedFps ?? requestedFps,
    effective_fps: round(h.effectiveFps ?? measuredFps, 10),
    last_capture_error: h.lastError,
    frames_captured: h.frames,
  };
}
