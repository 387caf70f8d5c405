// Timing suite: the running stream's rate before and after PUT
// streaming.fps, counted over fixed windows (bounds as they were in
// test/app/live-settings.test.ts, which now checks the pacing by capture
// time instead).

import t from 'tap';
import { startServer } from '../helpers/child-server.js';
import { call } from '../helpers/http.js';
import { openMjpeg, type MjpegStream } from '../helpers/stream-client.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Parts that arrive on `s` during the next `ms`. */
async function countParts(s: MjpegStream, ms: number): Promise<number> {
  const n0 = s.received;
  await sleep(ms);
  return s.received - n0;
}

t.test('PUT streaming.fps changes the running /video_feed rate (30 → 10 fps)', async (t) => {
  const srv = await startServer(t, { streaming: { fps: 30 } });
  const s = await openMjpeg(`${srv.base}/video_feed`);
  t.teardown(() => s.close());
  t.equal(s.status, 200);
  await countParts(s, 700); // warm-up: pool start, first encodes
  const before = await countParts(s, 2000);
  const put = await call(srv.base, 'PUT', '/api/config/streaming/fps', { value: 10 });
  t.match(put.body, { applied: true });
  await countParts(s, 500); // settle on the new source
  const after = await countParts(s, 2000);
  t.comment(`parts in 2 s: ${before} before, ${after} after`);
  // Generous bounds (the machine is shared): the rate must clearly drop to about a third.
  t.ok(before >= 36, `~30 fps before (${before} parts in 2 s)`);
  t.ok(after >= 10 && after <= 26, `~10 fps after (${after} parts in 2 s)`);
  t.ok(after < before * 0.6, 'clearly slower');
});
