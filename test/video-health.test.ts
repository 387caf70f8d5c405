import t from 'tap';
import { mapVideoHealth } from '../lib/app/video-health.js';
import type { SourceHealth } from '../lib/capture/source.js';
import { startServer } from './helpers/spawn-server.js';
import { call } from './helpers/http.js';

const base: SourceHealth = { state: 'healthy', type: 'synthetic', frames: 10, lastFrameAt: 1000, consecutiveFailures: 0, recoveryAttempts: 0, lastError: null };

t.test('mapping from source health to the contract fields', async (t) => {
  t.match(mapVideoHealth(undefined, 30, 0), { status: 'unavailable', connection_open: false, time_since_last_frame: null, video_source_type: null });
  t.match(mapVideoHealth({ ...base, lastFrameAt: 0 }, 30, 0), { status: 'unavailable' }, 'no frame yet');
  t.match(mapVideoHealth(base, 30, 29.94, 1500), { status: 'healthy', time_since_last_frame: 0.5, effective_fps: 29.9, requested_fps: 30, connection_open: true });
  t.match(mapVideoHealth(base, 30, 0, 5000), { status: 'degraded' }, 'quiet for 4 s is not healthy');
  t.match(mapVideoHealth({ ...base, state: 'recovering', consecutiveFailures: 3, recoveryAttempts: 2, lastError: 'EIO' }, 30, 0, 1100),
    { status: 'recovering', is_recovering: true, consecutive_failures: 3, recovery_attempts: 2, last_capture_error: 'EIO' });
  t.match(mapVideoHealth({ ...base, state: 'failed' }, 30, 0, 1100), { status: 'failed', connection_open: false });
});

t.test('server: GET /api/video/health and POST /api/video/reconnect', async (t) => {
  const srv = await startServer({});
  t.teardown(() => srv.stop());
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
