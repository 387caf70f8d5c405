// GET /video_feed and /snapshot against the real server: the wire contract,
// per-client quality and pacing, a stalled viewer, static scenes, limits.
// Delivered rates over fixed windows are in test/timing/video-feed-rates.test.ts.

import t from 'tap';
import sharp from 'sharp';
import { startInProcess } from '../helpers/in-process.js';
import { rssOf, startServer } from '../helpers/child-server.js';
import { call, streamRefusal } from '../helpers/http.js';
import { openMjpeg } from '../helpers/stream-client.js';
import { pause, waitFor } from '../helpers/wait.js';

const stats = async (base: string) => (await call(base, 'GET', '/stats')).body;

t.test('parts follow the contract and decode to JPEGs of the configured size', async (t) => {
  const srv = await startInProcess(t, { streaming: { width: 320, height: 240, fps: 20 } });
  const s = await openMjpeg(`${srv.base}/video_feed`);
  t.teardown(() => s.close());
  t.equal(s.status, 200);
  t.equal(s.headers['content-type'], 'multipart/x-mixed-replace; boundary=frame');
  await s.waitParts(20);
  t.same(s.protocolErrors, [], 'every part: boundary, Content-Type, Content-Length, X-Timestamp, X-Frame-Id, CRLF after the JPEG');
  for (const p of s.parts.slice(0, 3)) {
    t.equal(p.headers['content-type'], 'image/jpeg');
    const meta = await sharp(p.jpeg!).metadata();
    t.match(meta, { format: 'jpeg', width: 320, height: 240 }, 'decodes as a 320x240 JPEG');
    t.equal(p.jpeg!.length, Number(p.headers['content-length']), 'Content-Length matches the body');
  }
  const ids = s.parts.map((p) => p.id);
  t.ok(ids.every((id, i) => i === 0 || id > ids[i - 1]), 'frame ids increase');
  const now = Date.now() / 1000;
  const last = s.parts[s.parts.length - 1];
  t.ok(Math.abs(now - last.timestamp) < 2, 'X-Timestamp is capture time in epoch seconds');
  t.match(String(last.timestamp), /^\d+(\.\d{1,6})?$/, 'X-Timestamp has µs precision');
  t.match(last.headers['x-timestamp'], /^\d+\.\d{6}$/, 'written with six decimals');
});

t.test('per-client quality and fps, within bounds', async (t) => {
  const srv = await startInProcess(t, { streaming: { fps: 30 } });
  const lo = await openMjpeg(`${srv.base}/video_feed?quality=40&fps=10`);
  const hi = await openMjpeg(`${srv.base}/video_feed?quality=90`);
  t.teardown(() => { lo.close(); hi.close(); });
  await Promise.all([lo.waitParts(12), hi.waitParts(12)]);
  // The server paces each client by capture time: an fps=10 client never
  // gets two frames closer than 1000/10 ms less half a source interval.
  const gaps = lo.parts.slice(1).map((p, i) => (p.timestamp - lo.parts[i].timestamp) * 1000);
  const minGap = 1000 / 10 - 500 / 30 - 0.5;
  t.ok(gaps.every((g) => g >= minGap), `fps=10 client: frames at least ${minGap.toFixed(1)} ms apart by capture time (min ${Math.min(...gaps).toFixed(1)} ms)`);
  const avg = (ps: typeof lo.parts) => ps.reduce((a, p) => a + p.length, 0) / ps.length;
  t.ok(avg(hi.parts) > avg(lo.parts) * 1.5, `q90 parts (${avg(hi.parts).toFixed(0)} B) larger than q40 (${avg(lo.parts).toFixed(0)} B)`);
  const st = await stats(srv.base);
  t.same(st.encode.qualities, [40, 90], 'one encode per quality in demand');
  const rows = st.clients.map((c: any) => [c.kind, c.quality, c.requested_fps]).sort();
  t.same(rows, [['mjpeg', 40, 10], ['mjpeg', 90, 30]]);
  t.same([...lo.protocolErrors, ...hi.protocolErrors], [], 'both streams keep the contract');

  for (const bad of ['quality=0', 'quality=101', 'quality=abc', 'fps=0', 'fps=1000', 'fps=2.5']) {
    const r = await streamRefusal(`${srv.base}/video_feed?${bad}`);
    t.equal(r.status, 400, `${bad} → 400`);
    t.match(r.body?.detail, /must be/);
  }
});

t.test('a client that stops reading does not hold up a reading one; memory stays bounded', async (t) => {
  // A child process: the server's own RSS is measured.
  const srv = await startServer(t, { streaming: { width: 640, height: 480, fps: 30 } });
  const slow = await openMjpeg(`${srv.base}/video_feed`);
  t.teardown(() => slow.close());
  await slow.waitParts(2);
  slow.pause();
  const fast = await openMjpeg(`${srv.base}/video_feed`);
  t.teardown(() => fast.close());
  await fast.waitParts(5);
  const rss0 = rssOf(srv.pid);
  const n0 = fast.received;
  // As many frames withheld from the stalled client as 4 s at 30 fps.
  const slowRow = async () => {
    const rows = (await stats(srv.base)).clients.sort((a: any, b: any) => a.frames_sent - b.frames_sent);
    return rows[0].drops >= 120 ? rows : null;
  };
  const rows = await waitFor(slowRow, 'the stalled client to miss 120 frames', { timeoutMs: 30000, everyMs: 250 });
  const rss1 = rssOf(srv.pid);
  t.ok(fast.received - n0 >= 60, `the reading client got ${fast.received - n0} frames meanwhile`);
  t.ok(rss1 - rss0 < 30 * 1024 * 1024, `server RSS grew ${((rss1 - rss0) / 1048576).toFixed(1)} MB while a client stalled`);
  t.ok(rows[0].drops > 50, `stalled client's frames were dropped (${rows[0].drops})`);
  t.equal(rows[1].drops, 0, 'reading client dropped none');
  t.ok(rows[0].quality < 85, `stalled client stepped down to q${rows[0].quality}`);
  t.same(fast.protocolErrors, []);
});

t.test('a static scene encodes once while clients still receive frames', async (t) => {
  const srv = await startInProcess(t, { source: { type: 'synthetic', scene: 'static' }, streaming: { fps: 30 } });
  const s = await openMjpeg(`${srv.base}/video_feed`, { keepJpegs: 100 });
  t.teardown(() => s.close());
  await s.waitParts(40);
  const st = await stats(srv.base);
  // Frames already in flight before the first hash is known cannot be
  // compared with it, so up to one encode per worker happens at start.
  t.ok(st.encode.frames_encoded >= 1 && st.encode.frames_encoded <= st.encode.workers,
    `${st.encode.frames_encoded} encode(s) in total for ${st.encode.workers} worker(s)`);
  t.ok(st.encode.identical_skipped >= 37, `identical frames skipped: ${st.encode.identical_skipped}`);
  const first = s.parts[0].jpeg!;
  t.ok(s.parts.slice(1, 40).every((p) => p.jpeg!.equals(first)), 'every part carries the same JPEG');
  const ids = s.parts.map((p) => p.id);
  t.ok(new Set(ids).size === ids.length, 'each part still has its own frame id');
});

t.test('/snapshot returns the newest JPEG', async (t) => {
  const srv = await startInProcess(t, { streaming: { width: 320, height: 240 } });
  const r = await fetch(`${srv.base}/snapshot`);
  t.equal(r.status, 200);
  t.equal(r.headers.get('content-type'), 'image/jpeg');
  const body = Buffer.from(await r.arrayBuffer());
  t.match(await sharp(body).metadata(), { format: 'jpeg', width: 320, height: 240 });
  const id1 = Number(r.headers.get('x-frame-id'));
  // Past the 100 ms cache TTL and a few 30 fps frames.
  await pause(200);
  const r2 = await fetch(`${srv.base}/snapshot?quality=50`);
  await r2.arrayBuffer();
  t.ok(Number(r2.headers.get('x-frame-id')) > id1, 'a later snapshot is a later frame');
  t.equal((await fetch(`${srv.base}/snapshot?quality=500`)).status, 400);
  // Nobody streams: the server encodes only on demand.
  t.ok((await stats(srv.base)).encode.idle_skipped > 0, 'frames nobody asked for were not encoded');
});

t.test('over the HTTP stream limit: 503', async (t) => {
  const srv = await startInProcess(t, { streaming: { max_http_clients: 1 } });
  const a = await openMjpeg(`${srv.base}/video_feed`);
  t.teardown(() => a.close());
  await a.waitParts(1);
  const b = await openMjpeg(`${srv.base}/video_feed`);
  t.teardown(() => b.close());
  t.equal(b.status, 503, 'the stream client sees the refusal');
  const r = await streamRefusal(`${srv.base}/video_feed`);
  t.equal(r.status, 503);
  t.match(r.body, { detail: /Max HTTP stream clients/ });
});

t.test('an MJPEG viewer that stops reading is cut and counted in stalled_clients_closed', async (t) => {
  // Our own timeout set beyond uWS's 10 s send timeout, so uWS cuts the
  // connection first: that path must count too.
  const srv = await startInProcess(t, { streaming: { width: 640, height: 480, fps: 30, stalled_client_timeout_s: 60 } });
  const slow = await openMjpeg(`${srv.base}/video_feed`);
  t.teardown(() => slow.close());
  await slow.waitParts(2);
  slow.pause();
  const st = await waitFor(async () => {
    const s = await stats(srv.base);
    return s.stalled_clients_closed > 0 ? s : null;
  }, 'the stalled viewer to be cut', { timeoutMs: 25000, everyMs: 250 });
  t.equal(st.stalled_clients_closed, 1, 'counted');
  t.equal(st.http_connections, 0, 'and gone');
});
