// WS /ws/video_feed: the contract in api-contract.md.

import t from 'tap';
import sharp from 'sharp';
import { startServer } from './helpers/spawn-server.js';
import { openWs } from './helpers/ws-client.js';
import { getJson } from './helpers/mjpeg-client.js';

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
