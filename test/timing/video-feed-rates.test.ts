// Timing suite (not in `npm test`; `npm run test:timing`, once per CI run):
// delivered frame rates over fixed windows, which depend on how much CPU
// the machine has free. Bounds as they were when these checks lived in
// test/http/video-feed.test.ts and ws-video-feed.test.ts; the behaviour
// behind them (frames arrive, stalled clients drop, pacing by capture time)
// is checked there without a clock.

import t from 'tap';
import { startServer } from '../helpers/child-server.js';
import { call } from '../helpers/http.js';
import { openMjpeg, openWs, rate } from '../helpers/stream-client.js';
import { MAX_MESSAGES_PER_S } from '../../lib/http/routes/ws-video-feed.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('MJPEG: delivered at the configured rate (20 fps)', async (t) => {
  const srv = await startServer(t, { streaming: { width: 320, height: 240, fps: 20 } });
  const s = await openMjpeg(`${srv.base}/video_feed`);
  t.teardown(() => s.close());
  await s.waitParts(5);
  const t0 = Date.now();
  await sleep(3000);
  const fps = rate(s.parts, t0, Date.now());
  t.ok(fps > 16 && fps < 23, `delivered ${fps.toFixed(1)} fps for 20 configured`);
});

t.test('MJPEG: per-client fps (fps=10 and the 30 fps default)', async (t) => {
  const srv = await startServer(t, { streaming: { fps: 30 } });
  const lo = await openMjpeg(`${srv.base}/video_feed?quality=40&fps=10`);
  const hi = await openMjpeg(`${srv.base}/video_feed?quality=90`);
  t.teardown(() => { lo.close(); hi.close(); });
  await Promise.all([lo.waitParts(8), hi.waitParts(8)]);
  const t0 = Date.now();
  await sleep(2500);
  const t1 = Date.now();
  const loFps = rate(lo.parts, t0, t1);
  const hiFps = rate(hi.parts, t0, t1);
  t.ok(loFps > 7 && loFps < 13, `fps=10 client got ${loFps.toFixed(1)} fps`);
  t.ok(hiFps > 25, `default-fps client got ${hiFps.toFixed(1)} fps`);
});

t.test('MJPEG: a reading client keeps its rate while another stalls', async (t) => {
  const srv = await startServer(t, { streaming: { width: 640, height: 480, fps: 30 } });
  const slow = await openMjpeg(`${srv.base}/video_feed`);
  t.teardown(() => slow.close());
  await slow.waitParts(2);
  slow.pause();
  const fast = await openMjpeg(`${srv.base}/video_feed`);
  t.teardown(() => fast.close());
  await fast.waitParts(5);
  const t0 = Date.now();
  await sleep(4000);
  const fastFps = rate(fast.parts, t0, Date.now());
  t.ok(fastFps > 26, `reading client kept ${fastFps.toFixed(1)} fps`);
});

t.test('WS: a reading client keeps its rate while another stalls and keeps sending', async (t) => {
  const srv = await startServer(t, { streaming: { width: 640, height: 480, fps: 30 } });
  const slow = await openWs(`ws://127.0.0.1:${srv.port}/ws/video_feed`);
  t.teardown(() => slow.terminate());
  await slow.waitParts(2);
  slow.pause();
  const fast = await openWs(`ws://127.0.0.1:${srv.port}/ws/video_feed`);
  t.teardown(() => fast.terminate());
  await fast.waitParts(5);
  const n0 = fast.received;
  const t0 = Date.now();
  const pinger = setInterval(() => slow.send({ type: 'ping', pad: 'x'.repeat(3000) }), 1000 / (MAX_MESSAGES_PER_S - 10));
  t.teardown(() => clearInterval(pinger));
  await sleep(4000);
  clearInterval(pinger);
  const fps = ((fast.received - n0) * 1000) / (Date.now() - t0);
  t.ok(fps > 26, `reading client kept ${fps.toFixed(1)} fps`);
  t.equal((await call(srv.base, 'GET', '/stats')).body.ws_connections, 2, 'both still connected');
});
