// The /api/video/health `video` object from a source's health.

import t from 'tap';
import { videoHealthBody } from '../lib/capture/video-health.js';
import type { FrameSource, SourceHealth } from '../lib/capture/source.js';

const source = (h: SourceHealth): FrameSource => ({
  type: h.type, open: async () => {}, close: async () => {}, health: () => h,
});

t.test('maps a recovering source', async (t) => {
  const now = 1_000_000;
  const body = videoHealthBody(source({
    state: 'degraded', type: 'v4l2', frames: 10, lastFrameAt: now - 2500, consecutiveFailures: 2,
    recoveryAttempts: 1, lastError: 'VIDIOC_DQBUF: No such device', isRecovering: true, connectionOpen: false,
    nextRecoveryAt: now + 1500, requestedFps: 30, effectiveFps: 0,
  }), 30, now);
  t.same(body, {
    status: 'degraded', consecutive_failures: 2, time_since_last_frame: 2.5, is_recovering: true,
    recovery_attempts: 1, connection_open: false, video_source_type: 'v4l2', next_recovery_in_seconds: 1.5,
    requested_fps: 30, effective_fps: 0, last_capture_error: 'VIDIOC_DQBUF: No such device',
  });
});

t.test('no source: unavailable', async (t) => {
  const body = videoHealthBody(null, 15);
  t.equal(body.status, 'unavailable');
  t.equal(body.time_since_last_frame, null);
  t.equal(body.requested_fps, 15);
});

t.test('synthetic source without the optional fields', async (t) => {
  const body = videoHealthBody(source({
    state: 'healthy', type: 'synthetic', frames: 5, lastFrameAt: 0, consecutiveFailures: 0, recoveryAttempts: 0, lastError: null,
  }), 30);
  t.equal(body.connection_open, true);
  t.equal(body.is_recovering, false);
  t.equal(body.time_since_last_frame, null);
  t.equal(body.next_recovery_in_seconds, null);
});
