// The `video` object of GET /api/video/health (api-contract.md "Video
// resilience"), built from a source's health, so the route stays a thin
// wrapper and the field names live in one place.

import type { FrameSource } from './source.js';

export interface VideoHealthBody {
  status: string;
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
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** `source` null (none configured, or being replaced): status unavailable. */
export function videoHealthBody(source: FrameSource | null, requestedFps: number, nowMs = Date.now()): VideoHealthBody {
  if (!source) {
    return {
      status: 'unavailable', consecutive_failures: 0, time_since_last_frame: null, is_recovering: false,
      recovery_attempts: 0, connection_open: false, video_source_type: 'none', next_recovery_in_seconds: null,
      requested_fps: requestedFps, effective_fps: 0, last_capture_error: null,
    };
  }
  const h = source.health();
  const live = h.state === 'healthy';
  return {
    status: h.state,
    consecutive_failures: h.consecutiveFailures,
    time_since_last_frame: h.lastFrameAt > 0 ? round(Math.max(0, nowMs - h.lastFrameAt) / 1000) : null,
    is_recovering: h.isRecovering ?? h.state === 'recovering',
    recovery_attempts: h.recoveryAttempts,
    connection_open: h.connectionOpen ?? live,
    video_source_type: h.type,
    next_recovery_in_seconds: h.nextRecoveryAt ? round(Math.max(0, h.nextRecoveryAt - nowMs) / 1000) : null,
    requested_fps: h.requestedFps ?? requestedFps,
    effective_fps: h.effectiveFps ?? 0,
    last_capture_error: h.lastError,
  };
}
