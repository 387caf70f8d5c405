// WS /ws/telemetry: the dashboard's push channel. Rates are checked with
// generous bounds only (a shared 2-core machine); the skipping of slow
// sockets is in test/stream/telemetry-hub.test.ts (a real loopback socket
// takes minutes of 20 KB/s to fill the kernel's buffers).

import t from 'tap';
import WebSocket from 'ws';
import { startInProcess } from '../helpers/in-process.js';
import { TEST_ADMIN_TOKEN, type Owner } from '../helpers/child-server.js';
import { call } from '../helpers/http.js';
import { pause, waitFor } from '../helpers/wait.js';

interface Conn {
  ws: WebSocket;
  messages: { at: number; m: any }[];
  opened: Promise<void>;
  /** The close code and reason (1006 when the connection dropped without one). */
  closed: Promise<{ code: number; reason: string }>;
  /** The HTTP status of a refused upgrade, else 0. */
  refused: () => number;
}

function connect(port: number, query = '', headers: Record<string, string> = {}): Conn {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/telemetry${query}`, { headers });
  const messages: Conn['messages'] = [];
  let status = 0;
  ws.on('message', (data, isBinary) => messages.push({ at: performance.now(), m: isBinary ? null : JSON.parse(String(data)) }));
  ws.on('unexpected-response', (_req, res) => {
    status = res.statusCode ?? 0;
    ws.terminate();
  });
  ws.on('error', () => {}); // refusals are read from the status and the close
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('close', () => reject(new Error(`closed before open (HTTP ${status})`)));
  });
  opened.catch(() => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code, reason) => resolve({ code, reason: String(reason) }));
  });
  return { ws, messages, opened, closed, refused: () => status };
}

/** Waits (condition, not a fixed time) until `n` messages arrived; the socket stays open. */
async function collect(t: Owner, port: number, query: string, n: number): Promise<Conn> {
  const c = connect(port, query);
  t.teardown(() => c.ws.terminate());
  await c.opened;
  await waitFor(() => c.messages.length >= n, `${n} messages on ${query || 'the default rate'}`, { timeoutMs: 20000, everyMs: 50 });
  return c;
}

/** Rejects after `ms`: a refusal that never comes fails the test instead of hanging it. */
const timeout = (ms: number, what: string) => new Promise<never>((_, reject) => {
  setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms).unref();
});

/** Messages per second between the first and the last message. */
const rateOf = (c: Conn) => (c.messages.length - 1) / ((c.messages.at(-1)!.at - c.messages[0].at) / 1000);

t.test('messages carry /status, tracker, follower and stats at the asked rate', async (t) => {
  const srv = await startInProcess(t);
  const [d, ten, one] = await Promise.all([
    collect(t, srv.port, '', 11), collect(t, srv.port, '?hz=10', 21), collect(t, srv.port, '?hz=1', 3),
  ]);
  // Generous bounds (timers on a loaded machine run late, never early); the rate itself is not a test's business.
  for (const [c, hz, label] of [[d, 5, 'default'], [ten, 10, '?hz=10'], [one, 1, '?hz=1']] as const) {
    const r = rateOf(c);
    t.ok(r >= hz * 0.5 && r <= hz * 1.25, `${label}: ${r.toFixed(2)} messages/s (asked ${hz})`);
  }

  const m = ten.messages.at(-1)!.m;
  t.equal(m.type, 'telemetry');
  t.ok(Math.abs(m.timestamp - Date.now() / 1000) < 5, 'timestamp is server time in seconds');
  const status = (await call(srv.base, 'GET', '/status')).body;
  t.same(Object.keys(m.status).sort(), Object.keys(status).sort(), 'status is the /status object');
  t.equal(m.status.streaming.width, status.streaming.width);
  const tracker = (await call(srv.base, 'GET', '/telemetry/tracker_data')).body;
  t.same(m.tracker, tracker, 'tracker is /telemetry/tracker_data (nothing tracked: {})');
  const follower = (await call(srv.base, 'GET', '/telemetry/follower_data')).body;
  t.same(Object.keys(m.follower).sort(), Object.keys(follower).sort(), 'follower is /telemetry/follower_data');
  for (const k of ['frame_rate', 'capture_fps', 'encoded_fps', 'bytes_per_sec']) t.type(m.stats[k], 'number', `stats.${k}`);
  t.ok(m.stats.encode_ms_p50 === null || typeof m.stats.encode_ms_p50 === 'number', 'encode_ms_p50 number or null');
  t.same(Object.keys(m.stats.clients).sort(), ['mjpeg', 'webrtc', 'ws']);
  t.ok(m.status.clients, 'status carries client counts');
  // Timestamps advance: each message is a fresh build, not a cached one.
  const ts = ten.messages.map((x) => x.m.timestamp);
  t.ok(ts.every((v, i) => i === 0 || v > ts[i - 1]), 'timestamps increase');
});

t.test('a tracked target shows in the next messages', async (t) => {
  const srv = await startInProcess(t);
  const c = connect(srv.port, '?hz=10');
  t.teardown(() => c.ws.terminate());
  await c.opened;
  await waitFor(async () => (await call(srv.base, 'GET', '/status')).body.video_status === 'healthy', 'video to be live');
  await waitFor(() => c.messages.length > 0, 'a first message', { timeoutMs: 5000, everyMs: 20 });
  t.equal(c.messages.at(-1)?.m.status.tracking_started, false, 'not tracking before the command');
  const r = await call(srv.base, 'POST', '/commands/start_tracking', { x: 0.4, y: 0.4, width: 0.2, height: 0.2 });
  t.ok(r.status < 300, `start_tracking: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
  const deadline = performance.now() + 10000;
  while (performance.now() < deadline && !c.messages.some((x) => x.m.status.tracking_started === true)) await pause(100);
  const last = c.messages.at(-1)!.m;
  t.equal(last.status.tracking_started, true, 'status.tracking_started');
  t.ok(Object.keys(last.tracker).length > 0, `tracker data present: ${JSON.stringify(last.tracker).slice(0, 120)}`);
});

t.test('a bad hz closes with 1008 and the reason', async (t) => {
  const srv = await startInProcess(t);
  for (const q of ['?hz=0', '?hz=11', '?hz=abc', '?hz=2.5']) {
    const c = connect(srv.port, q);
    const { code, reason } = await c.closed;
    t.equal(code, 1008, `${q}: 1008`);
    t.match(reason, /^hz must be/, `${q}: ${reason}`);
    t.equal(c.messages.length, 0, `${q}: no telemetry`);
  }
});

t.test('with viewer_access token a token is needed; a foreign Origin is refused', async (t) => {
  const srv = await startInProcess(t, {
    auth: { viewer_access: 'token' }, http: { cors: { origins: ['http://gcs.local'], allow_credentials: false, max_age_s: 60 } },
  });
  const anon = connect(srv.port);
  await anon.closed;
  t.equal(anon.refused(), 401, 'no token: 401');
  const bad = connect(srv.port, '', { authorization: 'Bearer sf_wrong_token_value_000000' });
  await bad.closed;
  t.equal(bad.refused(), 401, 'wrong token: 401');
  const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  const evil = connect(srv.port, '', { ...auth, origin: 'http://evil.example' });
  await evil.closed;
  t.equal(evil.refused(), 403, 'foreign Origin: 403');
  const rebound = connect(srv.port, '', { ...auth, host: `evil.example:${srv.port}` });
  await rebound.closed;
  t.equal(rebound.refused(), 403, 'foreign Host (DNS rebinding): 403');
  for (const headers of [auth, { ...auth, origin: 'http://gcs.local' }] as Record<string, string>[]) {
    const ok = connect(srv.port, '?hz=10', headers);
    t.teardown(() => ok.ws.terminate());
    await ok.opened;
    const deadline = performance.now() + 5000;
    while (performance.now() < deadline && ok.messages.length < 2) await pause(50);
    t.ok(ok.messages.length >= 2, `with the token${headers.origin ? ' from a listed Origin' : ''}: messages arrive`);
    ok.ws.close();
  }
});

t.test('one address holds at most max_clients_per_address telemetry sockets; a flood closes the socket', async (t) => {
  const srv = await startInProcess(t, { streaming: { max_clients_per_address: 2 } });
  const a = connect(srv.port);
  const b = connect(srv.port);
  t.teardown(() => { a.ws.terminate(); b.ws.terminate(); });
  await Promise.all([a.opened, b.opened]);
  const c = connect(srv.port);
  t.teardown(() => c.ws.terminate());
  const closed = await Promise.race([c.closed, timeout(5000, 'the third socket to be closed')]);
  t.equal(closed.code, 1008);
  t.match(closed.reason, /Too many telemetry connections from one address \(2\)/);
  // A slot frees when a socket closes.
  b.ws.close();
  await b.closed;
  await pause(100);
  const d = connect(srv.port);
  t.teardown(() => d.ws.terminate());
  await d.opened;
  t.pass('a new socket opens once one closed');
  // The client has nothing to say; a flood is closed rather than served.
  for (let i = 0; i < 100; i++) a.ws.send('x');
  const flood = await a.closed;
  t.equal(flood.code, 1008);
  t.match(flood.reason, /Too many messages/);
  await pause(150);
  t.equal(d.ws.readyState, WebSocket.OPEN, 'the other socket stays open');
});

t.test('shutdown closes telemetry sockets with 1001', async (t) => {
  const srv = await startInProcess(t);
  const c = connect(srv.port, '?hz=10');
  await c.opened;
  while (c.messages.length < 1) await pause(50);
  await srv.close();
  const { code, reason } = await Promise.race([c.closed, timeout(5000, 'the close')]);
  t.equal(code, 1001);
  t.equal(reason, 'Server shutting down');
});
