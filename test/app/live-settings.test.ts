// Live settings: a config write changes the running stream and the limiter
// without a restart. How many frames per second the stream delivers before
// and after is measured in test/timing/live-settings-rates.test.ts.

import t from 'tap';
import sharp from 'sharp';
import { startInProcess } from '../helpers/in-process.js';
import { call, waitForVideo } from '../helpers/http.js';
import { openMjpeg } from '../helpers/stream-client.js';
import { waitFor } from '../helpers/wait.js';

t.test('PUT streaming.fps re-paces the running /video_feed (30 → 10 fps)', async (t) => {
  const srv = await startInProcess(t, { streaming: { fps: 30 } });
  const s = await openMjpeg(`${srv.base}/video_feed`);
  t.teardown(() => s.close());
  t.equal(s.status, 200);
  await s.waitParts(10);
  const put = await call(srv.base, 'PUT', '/api/config/streaming/fps', { value: 10 });
  t.match(put.body, { applied: true, reload_tier: 'immediate', reboot_required: false });
  t.equal((await call(srv.base, 'GET', '/status')).body.streaming.fps, 10);
  // The viewer asked for no rate of its own: it follows the new default.
  await waitFor(async () => (await call(srv.base, 'GET', '/stats')).body.clients[0]?.requested_fps === 10,
    'the running viewer to follow 10 fps', { everyMs: 50 });
  // Frames captured after that are paced for 10 fps: never closer than
  // 1000/10 ms less half a (10 fps) source interval, by capture time.
  const from = s.received + 1;
  await s.waitParts(from + 8);
  const after = s.since(from);
  const gaps = after.slice(1).map((p, i) => (p.timestamp - after[i].timestamp) * 1000);
  t.ok(gaps.every((g) => g >= 49.5), `gaps after the change ${gaps.map((g) => g.toFixed(0)).join(' ')} ms (each at least 50)`);
  const meta = await sharp(after[after.length - 1].jpeg!).metadata();
  t.match(meta, { format: 'jpeg', width: 640, height: 480 }, 'still real JPEG frames');
  t.same(s.protocolErrors, []);
});

t.test('PUT streaming.quality changes the JPEG quality of the running stream', async (t) => {
  const srv = await startInProcess(t, { streaming: { quality: 90 } });
  const s = await openMjpeg(`${srv.base}/video_feed`);
  t.teardown(() => s.close());
  await s.waitParts(5);
  const hi = s.parts.slice(-5).map((p) => p.length).sort((a, b) => a - b)[2];
  t.match((await call(srv.base, 'PUT', '/api/config/streaming/quality', { value: 40 })).body, { applied: true });
  // Wait until the new quality shows, then every later frame must be small.
  const { part } = await s.until((p) => p.length < hi * 0.8, 10000);
  await s.waitParts(part.index + 6);
  const lo = s.since(part.index + 1).slice(0, 5).map((p) => p.length);
  t.comment(`JPEG bytes: ${hi} at q90 (median of 5), then ${lo.join(' ')} at q40`);
  t.ok(lo.every((n) => n < hi * 0.8), 'smaller frames after lowering the quality, frame after frame');
});

t.test('PUT rate_limit applies live', async (t) => {
  const srv = await startInProcess(t, { rate_limit: { window_s: 60, max_requests: 100, max_clients: 64 } });
  await waitForVideo(srv.base);
  t.match((await call(srv.base, 'PUT', '/api/config/rate_limit/max_requests', { value: 2 })).body, { applied: true });
  t.equal((await call(srv.base, 'POST', '/commands/stop_tracking')).status, 200);
  t.equal((await call(srv.base, 'POST', '/commands/stop_tracking')).status, 200);
  t.equal((await call(srv.base, 'POST', '/commands/stop_tracking')).status, 429);
});
