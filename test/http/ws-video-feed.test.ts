// WS /ws/video_feed: the contract in api-contract.md.

import t from 'tap';
import sharp from 'sharp';
import { startServer } from '../helpers/spawn-server.js';
import { openWs } from '../helpers/ws-client.js';
import { getJson, rssOf, sleep } from '../helpers/mjpeg-client.js';
import { MAX_MESSAGES_PER_S, MAX_MESSAGE_BYTES } from '../../lib/http/routes/ws-video-feed.js';

t.test('frames arrive as meta + binary JPEG; quality, fps, ping, malformed input', async (t) => {
  const srv = await startServer({ streaming: { width: 320, height: 240 } });
  t.teardown(() => srv.stop());
  const ws = await openWs(`ws://127.0.0.1:${srv.port}/ws/video_feed`);
  await ws.waitFrames(5);
  t.same(ws.protocolErrors, [], 'every JPEG follows its meta, sizes match');
  const f = ws.frames[0];
  t.match(f.meta, { type: 'frame', quality: 85 });
  t.type(f.meta.timestamp, 'number');
  t.type(f.meta.frame_id, 'number');
  t.match(await sharp(f.jpeg).metadata(), { format: 'jpeg', width: 320, height: 240 });

  ws.send({ type: 'ping', client_timestamp: 12345.5 });
  const pong = await ws.waitMessage((m) => m.type === 'pong');
  t.equal(pong.client_timestamp, 12345.5, 'pong echoes client_timestamp');
  t.type(pong.timestamp, 'number');

  ws.send({ type: 'quality', quality: 50 });
  await ws.waitMessage((m) => m.type === 'quality');
  const before = ws.frames.length;
  await ws.waitFrames(before + 10);
  t.equal(ws.frames[ws.frames.length - 1].meta.quality, 50, 'frames now at q50');

  ws.send('{not json');
  const e1 = await ws.waitMessage((m) => m.type === 'error');
  t.match(e1.message, /malformed/);
  ws.send({ type: 'quality', quality: 500 });
  await ws.waitMessage((m) => m.type === 'error' && /quality must be/.test(String(m.message)));
  ws.send({ type: 'launch_missiles' });
  await ws.waitMessage((m) => m.type === 'error' && /unknown message type/.test(String(m.message)));
  ws.send([1, 2, 3]);
  await ws.waitMessage((m) => m.type === 'error' && /JSON object/.test(String(m.message)));
  const n = ws.frames.length;
  await ws.waitFrames(n + 5);
  t.pass('the connection stays open and streaming after bad messages');

  ws.send({ type: 'fps', fps: 5 });
  await ws.waitMessage((m) => m.type === 'fps');
  const stats = await getJson(`${srv.base}/stats`);
  t.match(stats.websocket_clients[0], { quality: 50 });
  t.equal(stats.ws_connections, 1);
  t.equal(stats.clients[0].requested_fps, 5);
  ws.ws.close();
});

t.test('over the WS limit: close 1008', async (t) => {
  const srv = await startServer({ streaming: { max_ws_clients: 1 } });
  t.teardown(() => srv.stop());
  const a = await openWs(`ws://127.0.0.1:${srv.port}/ws/video_feed`);
  await a.waitFrames(1);
  const b = await openWs(`ws://127.0.0.1:${srv.port}/ws/video_feed`);
  const c = await b.closed;
  t.equal(c.code, 1008);
  t.equal(c.reason, 'Max connections reached');
  a.ws.close();
});

t.test('a foreign Origin may not open the stream; a configured one may', async (t) => {
  const srv = await startServer({ http: { cors: { origins: ['http://gcs.local'], allow_credentials: false, max_age_s: 60 } } });
  t.teardown(() => srv.stop());
  await t.rejects(openWs(`ws://127.0.0.1:${srv.port}/ws/video_feed`, { Origin: 'http://evil.example' }), /403/);
  const ok = await openWs(`ws://127.0.0.1:${srv.port}/ws/video_feed`, { Origin: 'http://gcs.local' });
  await ok.waitFrames(1);
  ok.ws.close();
  const r = await fetch(`${srv.base}/stats`, { headers: { Origin: 'http://gcs.local' } });
  t.equal(r.headers.get('access-control-allow-origin'), 'http://gcs.local');
  const r2 = await fetch(`${srv.base}/stats`, { headers: { Origin: 'http://evil.example' } });
  t.equal(r2.headers.get('access-control-allow-origin'), null);
  const pre = await fetch(`${srv.base}/stats`, { method: 'OPTIONS', headers: { Origin: 'http://gcs.local', 'Access-Control-Request-Method': 'GET' } });
  t.equal(pre.status, 204);
  t.match(pre.headers.get('access-control-allow-methods'), /GET/);
});

t.test('a message flood closes that socket with 1008; other viewers are untouched', async (t) => {
  const srv = await startServer({ streaming: { width: 320, height: 240 } });
  t.teardown(() => srv.stop());
  const polite = await openWs(`ws://127.0.0.1:${srv.port}/ws/video_feed`);
  const flood = await openWs(`ws://127.0.0.1:${srv.port}/ws/video_feed`);
  await Promise.all([polite.waitFrames(2), flood.waitFrames(2)]);
  for (let i = 0; i < 4 * MAX_MESSAGES_PER_S; i++) flood.send('{');
  const c = await flood.closed;
  t.equal(c.code, 1008);
  t.match(c.reason, /Too many messages/);
  const n = polite.frames.length;
  await polite.waitFrames(n + 5);
  polite.send({ type: 'ping' });
  await polite.waitMessage((m) => m.type === 'pong');
  t.pass('the other viewer keeps its frames and replies');
  const stats = await getJson(`${srv.base}/stats`);
  t.equal(stats.ws_connections, 1, 'the flooding socket is gone');
  // A client that stays under the rate is served as before.
  const steady = await openWs(`ws://127.0.0.1:${srv.port}/ws/video_feed`);
  for (let i = 0; i < 10; i++) {
    steady.send({ type: 'ping', client_timestamp: i });
    await steady.waitMessage((m) => m.type === 'pong' && m.client_timestamp === i);
  }
  t.pass('ten pings in a row, each answered');
  polite.ws.close();
  steady.ws.close();
});

t.test('a WS client that stops reading (and keeps sending) does not slow a reading one; memory stays bounded', async (t) => {
  const srv = await startServer({ streaming: { width: 640, height: 480, fps: 30 } });
  t.teardown(() => srv.stop());
  const slow = await openWs(`ws://127.0.0.1:${srv.port}/ws/video_feed`);
  await slow.waitFrames(2);
  slow.ws.pause(); // stops reading from the socket; sends still go out
  const fast = await openWs(`ws://127.0.0.1:${srv.port}/ws/video_feed`);
  await fast.waitFrames(5);
  const rss0 = await rssOf(srv.proc.pid!);
  const n0 = fast.frames.length;
  const t0 = Date.now();
  // The stalled client pings under the rate limit the whole time: the
  // server must not queue a pong per ping behind frames nobody reads.
  const pinger = setInterval(() => slow.send({ type: 'ping', pad: 'x'.repeat(3000) }), 1000 / (MAX_MESSAGES_PER_S - 10));
  await sleep(4000);
  clearInterval(pinger);
  const fps = ((fast.frames.length - n0) * 1000) / (Date.now() - t0);
  t.ok(fps > 26, `reading client kept ${fps.toFixed(1)} fps`);
  const rss1 = await rssOf(srv.proc.pid!);
  t.ok(rss1 - rss0 < 30 * 1024 * 1024, `server RSS grew ${((rss1 - rss0) / 1048576).toFixed(1)} MB while a client stalled`);
  const stats = await getJson(`${srv.base}/stats`);
  t.equal(stats.ws_connections, 2, 'the stalled client is still connected (under the message rate)');
  t.ok(stats.websocket_clients.every((c: any) => Number.isInteger(c.replies_skipped)), 'replies skipped are reported per WebSocket');
  const rows = stats.clients.sort((a: any, b: any) => a.frames_sent - b.frames_sent);
  t.ok(rows[0].stalled_s >= 0 && rows[1].stalled_s === 0, `stall time per client (${rows[0].stalled_s} s, ${rows[1].stalled_s} s)`);
  t.ok(rows[0].drops > 20, `stalled client's frames were dropped (${rows[0].drops})`);
  t.equal(rows[1].drops, 0, 'reading client dropped none');
  slow.ws.resume();
  fast.ws.close();
  slow.ws.close();
});

t.test('a viewer that takes no frame for stalled_client_timeout_s is disconnected and its tier stops encoding', async (t) => {
  const srv = await startServer({ streaming: { width: 640, height: 480, fps: 30, stalled_client_timeout_s: 3 } });
  t.teardown(() => srv.stop());
  const reader = await openWs(`ws://127.0.0.1:${srv.port}/ws/video_feed?quality=80`);
  const stalled = await openWs(`ws://127.0.0.1:${srv.port}/ws/video_feed?quality=40`);
  await Promise.all([reader.waitFrames(2), stalled.waitFrames(2)]);
  stalled.ws.pause();
  // Keeps talking while not reading: a WebSocket idle timeout never fires on it.
  const pinger = setInterval(() => stalled.send({ type: 'ping' }), 200);
  t.teardown(() => clearInterval(pinger));
  let stats = await getJson(`${srv.base}/stats`);
  t.same(stats.encode.qualities, [40, 80], 'both tiers encode while both watch');
  const t0 = Date.now();
  while (Date.now() - t0 < 15000) {
    stats = await getJson(`${srv.base}/stats`);
    if (stats.ws_connections === 1) break;
    await sleep(250);
  }
  const waited = (Date.now() - t0) / 1000;
  t.equal(stats.ws_connections, 1, `the stalled viewer was disconnected after ${waited.toFixed(1)} s`);
  t.equal(stats.stalled_clients_closed, 1);
  t.ok(stats.encode.qualities.every((q: number) => q >= 70), `its tier is no longer encoded (${stats.encode.qualities})`);
  const n = reader.frames.length;
  await reader.waitFrames(n + 10);
  t.pass('the reading viewer streams on');
  clearInterval(pinger);
  reader.ws.close();
});

t.test('a message over the size limit closes with 1009, not an abnormal 1006', async (t) => {
  const srv = await startServer({ streaming: { width: 320, height: 240 } });
  t.teardown(() => srv.stop());
  const ws = await openWs(`ws://127.0.0.1:${srv.port}/ws/video_feed`);
  await ws.waitFrames(1);
  ws.send({ type: 'ping', pad: 'x'.repeat(MAX_MESSAGE_BYTES) });
  const c = await ws.closed;
  t.equal(c.code, 1009);
  t.match(c.reason, /Message too big: at most 4096 bytes/);
});

t.test('one address holds at most max_clients_per_address streams (MJPEG and WebSocket together)', async (t) => {
  const srv = await startServer({ streaming: { width: 320, height: 240, max_clients_per_address: 2 } });
  t.teardown(() => srv.stop());
  const a = await openWs(`ws://127.0.0.1:${srv.port}/ws/video_feed`);
  await a.waitFrames(1);
  const mjpeg = await fetch(`${srv.base}/video_feed`);
  t.equal(mjpeg.status, 200);
  const third = await fetch(`${srv.base}/video_feed`);
  t.equal(third.status, 503);
  t.match(((await third.json()) as { detail: string }).detail, /from one address reached \(2\)/);
  const b = await openWs(`ws://127.0.0.1:${srv.port}/ws/video_feed`);
  const c = await b.closed;
  t.equal(c.code, 1008);
  t.match(c.reason, /Too many streams from one address/);
  await mjpeg.body?.cancel();
  a.ws.close();
  await sleep(200);
  const again = await openWs(`ws://127.0.0.1:${srv.port}/ws/video_feed`);
  await again.waitFrames(1);
  t.pass('slots free up when streams close');
  again.ws.close();
});
