// The /api/video/health `video` object from a source's health, and the routes.

import t from 'tap';
import { videoHealthBody } from '../../lib/capture/video-health.js';
import type { FrameSource, SourceHealth } from '../../lib/capture/source.js';
import { startInProcess } from '../helpers/in-process.js';
import { call } from '../helpers/http.js';

const source = (h: SourceHealth): FrameSource => ({
  type: h.type, open: async () => {}, close: async () => {}, health: () => h,
});
const base: SourceHealth = { state: 'healthy', type: 'synthetic', frames: 10, lastFrameAt: 1000, consecutiveFailures: 0, recoveryAttempts: 0, lastError: null };

t.test('maps a recovering source', async (t) => {
  const now = 1_000_000;
  const body = videoHealthBody(source({
    state: 'degraded', type: 'v4l2', frames: 10, lastFrameAt: now - 2500, consecutiveFailures: 2,
    recoveryAttempts: 1, lastError: 'VIDIOC_DQBUF: No such device', isRecovering: true, connectionOpen: false,
    nextRecoveryAt: now + 1500, requestedFps: 30, effectiveFps: 0,
  }), 30, 0, now);
  t.same(body, {
    status: 'degraded', consecutive_failures: 2, time_since_last_frame: 2.5, is_recovering: true,
    recovery_attempts: 1, connection_open: false, video_source_type: 'v4l2', next_recovery_in_seconds: 1.5,
    requested_fps: 30, effective_fps: 0, last_capture_error: 'VIDIOC_DQBUF: No such device', frames_captured: 10,
  });
});

t.test('maps plain sources and the stale rule', async (t) => {
  t.match(videoHealthBody(null, 15), { status: 'unavailable', time_since_last_frame: null, requested_fps: 15, connection_open: false });
  t.match(videoHealthBody(source({ ...base, lastFrameAt: 0 }), 30, 0), { status: 'unavailable' }, 'no frame yet');
  t.match(videoHealthBody(source(base), 30, 29.94, 1500), { status: 'healthy', time_since_last_frame: 0.5, effective_fps: 29.9, requested_fps: 30, connection_open: true });
  t.match(videoHealthBody(source(base), 30, 0, 5000), { status: 'degraded' }, 'quiet for 4 s is not healthy');
  t.match(videoHealthBody(source({ ...base, state: 'recovering', consecutiveFailures: 3, recoveryAttempts: 2, lastError: 'EIO' }), 30, 0, 1100),
    { status: 'recovering', is_recovering: true, consecutive_failures: 3, recovery_attempts: 2, last_capture_error: 'EIO' });
  t.match(videoHealthBody(source({ ...base, state: 'failed' }), 30, 0, 1100), { status: 'failed', connection_open: false });
});

t.test('server: GET /api/video/health and POST /api/video/reconnect', async (t) => {
  const srv = await startInProcess(t);
  const h = await call(srv.base, 'GET', '/api/video/health');
  t.equal(h.status, 200);
  t.match(h.body, { success: true, video: { status: 'healthy', video_source_type: 'synthetic', requested_fps: 30, consecutive_failures: 0 } });
  for (const k of ['status', 'consecutive_failures', 'time_since_last_frame', 'is_recovering', 'recovery_attempts', 'connection_open',
    'video_source_type', 'next_recovery_in_seconds', 'requested_fps', 'effective_fps', 'last_capture_error']) {
    t.ok(k in h.body.video, `field ${k}`);
  }
  const r = await call(srv.base, 'POST', '/api/video/reconnect');
  t.equal(r.status, 200);
  t.match(r.body, { success: true, message: /reconnected/, video: { status: 'healthy' } });
  t.ok(r.body.video.frames_captured > 0, 'the new source delivered frames');
  // The stream still works after the source was replaced.
  const snap = await fetch(`${srv.base}/snapshot`);
  t.equal(snap.status, 200);
  t.equal(snap.headers.get('content-type'), 'image/jpeg');
});
