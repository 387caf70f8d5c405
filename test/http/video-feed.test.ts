// GET /video_feed and /snapshot against the real server.

import t from 'tap';
import sharp from 'sharp';
import { startServer } from '../helpers/spawn-server.js';
import { openMjpeg, rate, getJson, rssOf, sleep } from '../helpers/mjpeg-client.js';

t.test('parts parse, decode to JPEGs of the configured size, at the configured rate', async (t) => {
  const srv = await startServer({ streaming: { width: 320, height: 240, fps: 20 } });
  t.teardown(() => srv.stop());
  const s = await openMjpeg(`${srv.base}/video_feed`);
  t.equal(s.status, 200);
  t.equal(s.headers['content-type'], 'multipart/x-mixed-replace; boundary=frame');
  await s.waitParts(5);
  const t0 = Date.now();
  await sleep(3000);
  const fps = rate(s.parts, t0, Date.now());
  t.ok(fps > 16 && fps < 23, `delivered ${fps.toFixed(1)} fps for 20 configured`);
  for (const p of s.parts.slice(0, 3)) {
    t.equal(p.contentType, 'image/jpeg');
    const meta = await sharp(p.jpeg!).metadata();
    t.match(meta, { format: 'jpeg', width: 320, height: 240 }, 'decodes as a 320x240 JPEG');
    t.equal(p.jpeg!.length, p.length, 'Content-Length matches the body');
  }
  const ids = s.parts.map((p) => p.id);
  t.ok(ids.every((id, i) => i === 0 || id > ids[i - 1]), 'frame ids increase');
  const now = Date.now() / 1000;
  const last = s.parts[s.parts.length - 1];
  t.ok(Math.abs(now - last.timestamp) < 2, 'X-Timestamp is capture time in epoch seconds');
  t.match(String(last.timestamp), /^\d+(\.\d{1,6})?$/, 'X-Timestamp has µs precision');
  s.close();
});

t.test('per-client quality and fps, within bounds', async (t) => {
  const srv = await startServer({ streaming: { fps: 30 } });
  t.teardown(() => srv.stop());
  const lo = await openMjpeg(`${srv.base}/video_feed?quality=40&fps=10`);
  const hi = await openMjpeg(`${srv.base}/video_feed?quality=90`);
  await Promise.all([lo.waitParts(8), hi.waitParts(8)]);
  const t0 = Date.now();
  await sleep(2500);
  const t1 = Date.now();
  const loFps = rate(lo.parts, t0, t1);
  const hiFps = rate(hi.parts, t0, t1);
  t.ok(loFps > 7 && loFps < 13, `fps=10 client got ${loFps.toFixed(1)} fps`);
  t.ok(hiFps > 25, `default-fps client got ${hiFps.toFixed(1)} fps`);
  const avg = (ps: typeof lo.parts) => ps.reduce((a, p) => a + p.length, 0) / ps.length;
  t.ok(avg(hi.parts) > avg(lo.parts) * 1.5, `q90 parts (${avg(hi.parts).toFixed(0)} B) larger than q40 (${avg(lo.parts).toFixed(0)} B)`);
  const stats = await getJson(`${srv.base}/stats`);
  t.same(stats.encode.qualities, [40, 90], 'one encode per quality in demand');
  const rows = stats.clients.map((c: any) => [c.kind, c.quality, c.requested_fps]).sort();
  t.same(rows, [['mjpeg', 40, 10], ['mjpeg', 90, 30]]);
  lo.close();
  hi.close();

  for (const bad of ['quality=0', 'quality=101', 'quality=abc', 'fps=0', 'fps=1000', 'fps=2.5']) {
    const r = await fetch(`${srv.base}/video_feed?${bad}`);
    t.equal(r.status, 400, `${bad} → 400`);
    t.match(((await r.json()) as { detail: string }).detail, /must be/);
  }
});

t.test('a client that stops reading does not slow a reading one; memory stays bounded', async (t) => {
  const srv = await startServer({ streaming: { width: 640, height: 480, fps: 30 } });
  t.teardown(() => srv.stop());
  const slow = await openMjpeg(`${srv.base}/video_feed`);
  await slow.waitParts(2);
  slow.pause();
  const fast = await openMjpeg(`${srv.base}/video_feed`);
  await fast.waitParts(5);
  const rss0 = await rssOf(srv.proc.pid!);
  const t0 = Date.now();
  await sleep(4000);
  const t1 = Date.now();
  const fastFps = rate(fast.parts, t0, t1);
  t.ok(fastFps > 26, `reading client kept ${fastFps.toFixed(1)} fps`);
  const rss1 = await rssOf(srv.proc.pid!);
  t.ok(rss1 - rss0 < 30 * 1024 * 1024, `server RSS grew ${((rss1 - rss0) / 1048576).toFixed(1)} MB while a client stalled`);
  const stats = await getJson(`${srv.base}/stats`);
  const rows = stats.clients.sort((a: any, b: any) => a.frames_sent - b.frames_sent);
  t.ok(rows[0].drops > 50, `stalled client's frames were dropped (${rows[0].drops})`);
  t.equal(rows[1].drops, 0, 'reading client dropped none');
  t.ok(rows[0].quality < 85, `stalled client stepped down to q${rows[0].quality}`);
  slow.close();
  fast.close();
});

t.test('a static scene encodes once while clients still receive frames', async (t) => {
  const srv = await startServer({ source: { type: 'synthetic', scene: 'static' }, streaming: { fps: 30 } });
  t.teardown(() => srv.stop());
  const s = await openMjpeg(`${srv.base}/video_feed`, 100);
  await s.waitParts(40);
  const stats = await getJson(`${srv.base}/stats`);
  // Frames already in flight before the first hash is known cannot be
  // compared with it, so up to one encode per worker happens at start.
  t.ok(stats.encode.frames_encoded >= 1 && stats.encode.frames_encoded <= stats.encode.workers,
    `${stats.encode.frames_encoded} encode(s) in total for ${stats.encode.workers} worker(s)`);
  t.ok(stats.encode.identical_skipped >= 37, `identical frames skipped: ${stats.encode.identical_skipped}`);
  const first = s.parts[0].jpeg!;
  t.ok(s.parts.slice(1, 40).every((p) => p.jpeg!.equals(first)), 'every part carries the same JPEG');
  const ids = s.parts.map((p) => p.id);
  t.ok(new Set(ids).size === ids.length, 'each part still has its own frame id');
  s.close();
});

t.test('/snapshot returns the newest JPEG', async (t) => {
  const srv = await startServer({ streaming: { width: 320, height: 240 } });
  t.teardown(() => srv.stop());
  const r = await fetch(`${srv.base}/snapshot`);
  t.equal(r.status, 200);
  t.equal(r.headers.get('content-type'), 'image/jpeg');
  const body = Buffer.from(await r.arrayBuffer());
  t.match(await sharp(body).metadata(), { format: 'jpeg', width: 320, height: 240 });
  const id1 = Number(r.headers.get('x-frame-id'));
  await sleep(300);
  const r2 = await fetch(`${srv.base}/snapshot?quality=50`);
  t.ok(Number(r2.headers.get('x-frame-id')) > id1, 'a later snapshot is a later frame');
  t.equal((await fetch(`${srv.base}/snapshot?quality=500`)).status, 400);
  // Nobody streams: the server encodes only on demand.
  const stats = await getJson(`${srv.base}/stats`);
  t.ok(stats.encode.idle_skipped > 0, 'frames nobody asked for were not encoded');
});

t.test('over the HTTP stream limit: 503', async (t) => {
  const srv = await startServer({ streaming: { max_http_clients: 1 } });
  t.teardown(() => srv.stop());
  const a = await openMjpeg(`${srv.base}/video_feed`);
  await a.waitParts(1);
  const r = await fetch(`${srv.base}/video_feed`);
  t.equal(r.status, 503);
  t.match(await r.json(), { detail: /Max HTTP stream clients/ });
  a.close();
});

t.test('an MJPEG viewer that stops reading is cut and counted in stalled_clients_closed', async (t) => {
  // Our own timeout set beyond uWS's 10 s send timeout, so uWS cuts the
  // connection first: that path must count too.
  const srv = await startServer({ streaming: { width: 640, height: 480, fps: 30, stalled_client_timeout_s: 60 } });
  t.teardown(() => srv.stop());
  const slow = await openMjpeg(`${srv.base}/video_feed`);
  await slow.waitParts(2);
  slow.pause();
  const deadline = Date.now() + 25000;
  let stats = await getJson(`${srv.base}/stats`);
  while (stats.stalled_clients_closed === 0 && Date.now() < deadline) {
    await sleep(500);
    stats = await getJson(`${srv.base}/stats`);
  }
  t.equal(stats.stalled_clients_closed, 1, 'counted');
  t.equal(stats.http_connections, 0, 'and gone');
  slow.close();
});
