// WS /ws/video_feed: the message contract existing clients rely on. Delivered rates over
// fixed windows are in test/timing/video-feed-rates.test.ts.

import t from 'tap';
import sharp from 'sharp';
import { startInProcess } from '../helpers/in-process.js';
import { rssOf, startServer } from '../helpers/child-server.js';
import { call, streamRefusal } from '../helpers/http.js';
import { openMjpeg, openWs } from '../helpers/stream-client.js';
import { waitFor } from '../helpers/wait.js';
import { MAX_MESSAGES_PER_S, MAX_MESSAGE_BYTES } from '../../lib/http/routes/ws-video-feed.js';

const stats = async (base: string) => (await call(base, 'GET', '/stats')).body;
const wsUrl = (port: number, query = '') => `ws://127.0.0.1:${port}/ws/video_feed${query}`;

t.test('frames arrive as meta + binary JPEG; quality, fps, ping, malformed input', async (t) => {
  const srv = await startInProcess(t, { streaming: { width: 320, height: 240 } });
  const ws = await openWs(wsUrl(srv.port));
  t.teardown(() => ws.terminate());
  await ws.waitParts(5);
  t.same(ws.protocolErrors, [], 'every JPEG follows its meta, sizes match');
  const f = ws.parts[0];
  t.match(f.meta, { type: 'frame', quality: 85 });
  t.type(f.meta!.timestamp, 'number');
  t.type(f.meta!.frame_id, 'number');
  t.match(await sharp(f.jpeg!).metadata(), { format: 'jpeg', width: 320, height: 240 });

  ws.send({ type: 'ping', client_timestamp: 12345.5 });
  const pong = await ws.waitMessage((m) => m.type === 'pong');
  t.equal(pong.client_timestamp, 12345.5, 'pong echoes client_timestamp');
  t.type(pong.timestamp, 'number');

  ws.send({ type: 'quality', quality: 50 });
  await ws.waitMessage((m) => m.type === 'quality');
  const before = ws.received;
  await ws.waitParts(before + 10);
  t.equal(ws.parts[ws.parts.length - 1].meta!.quality, 50, 'frames now at q50');

  ws.send('{not json');
  const e1 = await ws.waitMessage((m) => m.type === 'error');
  t.match(e1.message, /malformed/);
  ws.send({ type: 'quality', quality: 500 });
  await ws.waitMessage((m) => m.type === 'error' && /quality must be/.test(String(m.message)));
  ws.send({ type: 'launch_missiles' });
  await ws.waitMessage((m) => m.type === 'error' && /unknown message type/.test(String(m.message)));
  ws.send([1, 2, 3]);
  await ws.waitMessage((m) => m.type === 'error' && /JSON object/.test(String(m.message)));
  const n = ws.received;
  await ws.waitParts(n + 5);
  t.pass('the connection stays open and streaming after bad messages');

  ws.send({ type: 'fps', fps: 5 });
  await ws.waitMessage((m) => m.type === 'fps');
  const st = await stats(srv.base);
  t.match(st.websocket_clients[0], { quality: 50 });
  t.equal(st.ws_connections, 1);
  t.equal(st.clients[0].requested_fps, 5);
  t.same(ws.protocolErrors, [], 'no protocol error all along');
  ws.close();
  t.same(await ws.closed, { code: 1000, reason: '' }, 'our close is answered with the same code');
});

t.test('over the WS limit: close 1008', async (t) => {
  const srv = await startInProcess(t, { streaming: { max_ws_clients: 1 } });
  const a = await openWs(wsUrl(srv.port));
  t.teardown(() => a.terminate());
  await a.waitParts(1);
  const b = await openWs(wsUrl(srv.port));
  t.teardown(() => b.terminate());
  const c = await b.closed;
  t.equal(c.code, 1008);
  t.equal(c.reason, 'Max connections reached');
});

t.test('a foreign Origin may not open the stream; a configured one may', async (t) => {
  const srv = await startInProcess(t, { http: { cors: { origins: ['http://gcs.local'], allow_credentials: false, max_age_s: 60 } } });
  await t.rejects(openWs(wsUrl(srv.port), { headers: { Origin: 'http://evil.example' } }), /403/);
  const ok = await openWs(wsUrl(srv.port), { headers: { Origin: 'http://gcs.local' } });
  t.teardown(() => ok.terminate());
  await ok.waitParts(1);
  ok.close();
  const r = await fetch(`${srv.base}/stats`, { headers: { Origin: 'http://gcs.local' } });
  t.equal(r.headers.get('access-control-allow-origin'), 'http://gcs.local');
  const r2 = await fetch(`${srv.base}/stats`, { headers: { Origin: 'http://evil.example' } });
  t.equal(r2.headers.get('access-control-allow-origin'), null);
  const pre = await fetch(`${srv.base}/stats`, { method: 'OPTIONS', headers: { Origin: 'http://gcs.local', 'Access-Control-Request-Method': 'GET' } });
  t.equal(pre.status, 204);
  t.match(pre.headers.get('access-control-allow-methods'), /GET/);
});

t.test('a message flood closes that socket with 1008; other viewers are untouched', async (t) => {
  const srv = await startInProcess(t, { streaming: { width: 320, height: 240 } });
  const polite = await openWs(wsUrl(srv.port));
  const flood = await openWs(wsUrl(srv.port));
  t.teardown(() => { polite.terminate(); flood.terminate(); });
  await Promise.all([polite.waitParts(2), flood.waitParts(2)]);
  for (let i = 0; i < 4 * MAX_MESSAGES_PER_S; i++) flood.send('{');
  const c = await flood.closed;
  t.equal(c.code, 1008);
  t.match(c.reason, /Too many messages/);
  const n = polite.received;
  await polite.waitParts(n + 5);
  polite.send({ type: 'ping' });
  await polite.waitMessage((m) => m.type === 'pong');
  t.pass('the other viewer keeps its frames and replies');
  t.equal((await stats(srv.base)).ws_connections, 1, 'the flooding socket is gone');
  // A client that stays under the rate is served as before.
  const steady = await openWs(wsUrl(srv.port));
  t.teardown(() => steady.terminate());
  for (let i = 0; i < 10; i++) {
    steady.send({ type: 'ping', client_timestamp: i });
    await steady.waitMessage((m) => m.type === 'pong' && m.client_timestamp === i);
  }
  t.pass('ten pings in a row, each answered');
});

t.test('a WS client that stops reading (and keeps sending) does not hold up a reading one; memory stays bounded', async (t) => {
  // A child process: the server's own RSS is measured.
  const srv = await startServer(t, { streaming: { width: 640, height: 480, fps: 30 } });
  const slow = await openWs(wsUrl(srv.port));
  t.teardown(() => slow.terminate());
  await slow.waitParts(2);
  slow.pause(); // stops reading from the socket; sends still go out
  const fast = await openWs(wsUrl(srv.port));
  t.teardown(() => fast.terminate());
  await fast.waitParts(5);
  const rss0 = rssOf(srv.pid);
  const n0 = fast.received;
  // The stalled client keeps sending under the rate limit the whole time,
  // messages whose error replies echo ~3 KB: the server must not queue
  // replies behind frames nobody reads beyond its limit (one frame's
  // capacity); the rest are skipped and counted (replies_skipped).
  const junk = { type: `ping-${'x'.repeat(3000)}` };
  const sender = setInterval(() => slow.send(junk), 1000 / (MAX_MESSAGES_PER_S - 10));
  t.teardown(() => clearInterval(sender));
  // As many frames withheld from the stalled client as 4 s at 30 fps, and replies skipped.
  const st = await waitFor(async () => {
    const s = await stats(srv.base);
    const slowest = s.clients.length === 2 && s.clients.reduce((a: any, b: any) => (a.frames_sent < b.frames_sent ? a : b));
    const ws = slowest && s.websocket_clients.find((c: any) => c.id === slowest.id);
    return ws && slowest.drops >= 120 && ws.replies_skipped > 0 ? s : null;
  }, 'the stalled client to miss 120 frames and have replies skipped', { timeoutMs: 30000, everyMs: 250 });
  clearInterval(sender);
  t.ok(fast.received - n0 >= 60, `the reading client got ${fast.received - n0} frames meanwhile`);
  const rss1 = rssOf(srv.pid);
  t.ok(rss1 - rss0 < 30 * 1024 * 1024, `server RSS grew ${((rss1 - rss0) / 1048576).toFixed(1)} MB while a client stalled`);
  t.equal(st.ws_connections, 2, 'the stalled client is still connected (under the message rate)');
  const rows = st.clients.sort((a: any, b: any) => a.frames_sent - b.frames_sent);
  const wsRow = (id: number) => st.websocket_clients.find((c: any) => c.id === id);
  t.ok(wsRow(rows[0].id).replies_skipped > 0, `replies the stalled client would not read were skipped (${wsRow(rows[0].id).replies_skipped})`);
  t.equal(wsRow(rows[1].id).replies_skipped, 0, 'none for the reading client');
  t.ok(rows[0].stalled_s >= 2 && rows[1].stalled_s === 0, `stall time per client (${rows[0].stalled_s} s, ${rows[1].stalled_s} s)`);
  t.ok(rows[0].drops > 20, `stalled client's frames were dropped (${rows[0].drops})`);
  t.equal(rows[1].drops, 0, 'reading client dropped none');
  t.same(fast.protocolErrors, []);
});

t.test('a viewer that takes no frame for stalled_client_timeout_s is disconnected and its tier stops encoding', async (t) => {
  const srv = await startInProcess(t, { streaming: { width: 640, height: 480, fps: 30, stalled_client_timeout_s: 3 } });
  const reader = await openWs(wsUrl(srv.port, '?quality=80'));
  const stalled = await openWs(wsUrl(srv.port, '?quality=40'));
  t.teardown(() => { reader.terminate(); stalled.terminate(); });
  await Promise.all([reader.waitParts(2), stalled.waitParts(2)]);
  stalled.pause();
  // Keeps talking while not reading: a WebSocket idle timeout never fires on it.
  const pinger = setInterval(() => stalled.send({ type: 'ping' }), 200);
  t.teardown(() => clearInterval(pinger));
  t.same((await stats(srv.base)).encode.qualities, [40, 80], 'both tiers encode while both watch');
  const t0 = Date.now();
  const st = await waitFor(async () => {
    const s = await stats(srv.base);
    return s.ws_connections === 1 ? s : null;
  }, 'the stalled viewer to be disconnected', { timeoutMs: 15000, everyMs: 250 });
  const waited = (Date.now() - t0) / 1000;
  t.equal(st.ws_connections, 1, `the stalled viewer was disconnected after ${waited.toFixed(1)} s`);
  t.equal(st.stalled_clients_closed, 1);
  t.ok(st.encode.qualities.every((q: number) => q >= 70), `its tier is no longer encoded (${st.encode.qualities})`);
  const n = reader.received;
  await reader.waitParts(n + 10);
  t.pass('the reading viewer streams on');
});

t.test('a message over the size limit closes with 1009, not an abnormal 1006', async (t) => {
  const srv = await startInProcess(t, { streaming: { width: 320, height: 240 } });
  const ws = await openWs(wsUrl(srv.port));
  t.teardown(() => ws.terminate());
  await ws.waitParts(1);
  ws.send({ type: 'ping', pad: 'x'.repeat(MAX_MESSAGE_BYTES) });
  const c = await ws.closed;
  t.equal(c.code, 1009);
  t.match(c.reason, /Message too big: at most 4096 bytes/);
});

t.test('one address holds at most max_clients_per_address streams (MJPEG and WebSocket together)', async (t) => {
  const srv = await startInProcess(t, { streaming: { width: 320, height: 240, max_clients_per_address: 2 } });
  const a = await openWs(wsUrl(srv.port));
  t.teardown(() => a.terminate());
  await a.waitParts(1);
  const mjpeg = await openMjpeg(`${srv.base}/video_feed`);
  t.teardown(() => mjpeg.close());
  t.equal(mjpeg.status, 200);
  const third = await streamRefusal(`${srv.base}/video_feed`);
  t.equal(third.status, 503);
  t.match(third.body?.detail, /from one address reached \(2\)/);
  const b = await openWs(wsUrl(srv.port));
  t.teardown(() => b.terminate());
  const c = await b.closed;
  t.equal(c.code, 1008);
  t.match(c.reason, /Too many streams from one address/);
  mjpeg.close();
  a.close();
  await waitFor(async () => {
    const s = await stats(srv.base);
    return s.http_connections === 0 && s.ws_connections === 0;
  }, 'both streams to be gone from /stats', { everyMs: 50 });
  const again = await openWs(wsUrl(srv.port));
  t.teardown(() => again.terminate());
  await again.waitParts(1);
  t.pass('slots free up when streams close');
});
