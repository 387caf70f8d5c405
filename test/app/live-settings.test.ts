import t from 'tap';
import sharp from 'sharp';
import { startServer } from '../helpers/spawn-server.js';
import { call } from '../helpers/http.js';
import { mjpegParts } from '../helpers/mjpeg-parts.js';

/** Parts received on an open /video_feed during `ms`. */
async function countParts(parts: AsyncGenerator<{ jpeg: Buffer; at: number }>, ms: number): Promise<{ n: number; last: Buffer }> {
  const end = performance.now() + ms;
  let n = 0;
  for (;;) {
    const { value, done } = await parts.next();
    if (done) throw new Error('stream ended');
    if (value.at > end) return { n, last: value.jpeg };
    n++;
  }
}

t.test('PUT streaming.fps changes the running /video_feed rate (30 → 10 fps)', async (t) => {
  const srv = await startServer({ streaming: { fps: 30 } });
  t.teardown(() => srv.stop());
  const res = await fetch(`${srv.base}/video_feed`);
  t.equal(res.status, 200);
  const parts = mjpegParts(res);
  await countParts(parts, 700); // warm-up: pool start, first encodes
  const before = await countParts(parts, 2000);
  const put = await call(srv.base, 'PUT', '/api/config/streaming/fps', { value: 10 });
  t.match(put.body, { applied: true, reload_tier: 'immediate', reboot_required: false });
  await countParts(parts, 500); // settle on the new source
  const after = await countParts(parts, 2000);
  t.comment(`parts in 2 s: ${before.n} before, ${after.n} after`);
  // Generous functional bounds (the machine is shared): the rate must clearly drop to about a third.
  t.ok(before.n >= 36, `~30 fps before (${before.n} parts in 2 s)`);
  t.ok(after.n >= 10 && after.n <= 26, `~10 fps after (${after.n} parts in 2 s)`);
  t.ok(after.n < before.n * 0.6, 'clearly slower');
  const meta = await sharp(after.last).metadata();
  t.match(meta, { format: 'jpeg', width: 640, height: 480 }, 'still real JPEG frames');
  t.equal((await call(srv.base, 'GET', '/status')).body.streaming.fps, 10);
  await parts.return(undefined);
});

t.test('PUT streaming.quality changes the JPEG quality of the running stream', async (t) => {
  const srv = await startServer({ streaming: { quality: 90 } });
  t.teardown(() => srv.stop());
  const res = await fetch(`${srv.base}/video_feed`);
  const parts = mjpegParts(res);
  const hi = await countParts(parts, 800);
  t.match((await call(srv.base, 'PUT', '/api/config/streaming/quality', { value: 40 })).body, { applied: true });
  await countParts(parts, 500);
  const lo = await countParts(parts, 500);
  t.comment(`JPEG bytes: ${hi.last.length} at q90, ${lo.last.length} at q40`);
  t.ok(lo.last.length < hi.last.length * 0.8, 'smaller frames after lowering the quality');
  await parts.return(undefined);
});

t.test('PUT rate_limit applies live', async (t) => {
  const srv = await startServer({ rate_limit: { window_s: 60, max_requests: 100, max_clients: 64 } });
  t.teardown(() => srv.stop());
  t.match((await call(srv.base, 'PUT', '/api/config/rate_limit/max_requests', { value: 2 })).body, { applied: true });
  t.equal((await call(srv.base, 'POST', '/commands/stop_tracking')).status, 200);
  t.equal((await call(srv.base, 'POST', '/commands/stop_tracking')).status, 200);
  t.equal((await call(srv.base, 'POST', '/commands/stop_tracking')).status, 429);
});
