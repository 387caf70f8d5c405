// WebRTC as the server exposes it beside the peers themselves: off by
// config (503 with its code, no encoder), the viewer role on /whep and the
// signaling socket, the figures /stats, /status and /api/video/health show
// for a connected peer and a killed encoder, and the page at / switching
// to WebRTC in a real Chromium.

import t from 'tap';
import WebSocket from 'ws';
import { launchChromium, WEBRTC_LOOPBACK_ARGS } from '../helpers/browser.js';
import { TEST_ADMIN_TOKEN } from '../helpers/child-server.js';
import { call } from '../helpers/http.js';
import { startInProcess } from '../helpers/in-process.js';
import { childPids, hasCommand, FFMPEG_MISSING } from '../helpers/tools.js';
import { waitFor } from '../helpers/wait.js';
import { NdcReceiver } from '../../bench/webrtc/ndc-receiver.js';
import { startWebRtcServer } from '../helpers/webrtc-server.js';
import { whepViewer } from '../helpers/whep-viewer.js';

if (!hasCommand('ffmpeg')) throw new Error(FFMPEG_MISSING);


function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => { ws.close(); resolve(101); });
    ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
    ws.on('error', reject);
  });
}

t.test('webrtc.enabled false: 503 with its code on both ways in, no encoder, null in /stats', async (t) => {
  const srv = await startInProcess(t, { webrtc: { enabled: false } });
  const res = await fetch(`${srv.base}/whep`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: 'v=0\r\n' });
  t.equal(res.status, 503);
  t.equal(((await res.json()) as { code: string }).code, 'SKYFEED_ERR_WEBRTC_DISABLED');
  t.equal(await upgradeStatus(`ws://127.0.0.1:${srv.port}/ws/webrtc_signaling`), 503);
  t.equal((await call(srv.base, 'GET', '/stats')).body.webrtc, null);
  t.equal((await call(srv.base, 'GET', '/api/video/health')).body.webrtc_encoder, null);
  t.same(childPids(process.pid, 'ffmpeg'), [], 'no encoder process');
});

t.test('with viewer_access token, WebRTC needs a viewer token like the other video routes', async (t) => {
  const srv = await startWebRtcServer(t, { width: 320, height: 240, config: { auth: { viewer_access: 'token' } } });
  const anon = await fetch(`${srv.base}/whep`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: 'v=0\r\n' });
  t.equal(anon.status, 401);
  t.equal(await upgradeStatus(`ws://127.0.0.1:${srv.port}/ws/webrtc_signaling`), 401);
  const auth = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  t.equal(await upgradeStatus(`ws://127.0.0.1:${srv.port}/ws/webrtc_signaling`, auth), 101);
  const { v, location } = await whepViewer(srv.base, auth);
  t.teardown(() => v.close());
  t.match(location, /^\/whep\/[0-9a-f]{32}$/);
  const del = await fetch(`${srv.base}${location}`, { method: 'DELETE' });
  t.equal(del.status, 401, 'ending a session needs the token too');
});

t.test('/stats, /status and /api/video/health show the peer and the encoder; a killed encoder shows as a restart', async (t) => {
  const srv = await startWebRtcServer(t, { width: 320, height: 240, tuning: { encoder: { restartMinMs: 300 } } });
  const idle = (await call(srv.base, 'GET', '/api/video/health')).body.webrtc_encoder;
  t.equal(idle.state, 'stopped', 'no peer: the encoder is not running');
  const { v, location } = await whepViewer(srv.base);
  t.teardown(() => v.close());
  await waitFor(() => v.counts.frames >= 30, 'the viewer to receive 30 frames');
  // The encoder's rate is measured over its 1 s tick: wait for a full one.
  const stats = await waitFor(async () => {
    const s = (await call(srv.base, 'GET', '/stats')).body.webrtc;
    return s.encoder.fps > 10 ? s : null;
  }, 'the encoder rate over a full second');
  t.equal(stats.peers, 1);
  t.equal(stats.encoder.state, 'running');
  t.ok(stats.encoder.fps > 10, `encoder ${stats.encoder.fps} fps`);
  t.ok(stats.encoder.keyframes >= 1);
  const row = stats.peer_list[0];
  t.equal(row.kind, 'whep');
  t.equal(row.state, 'connected');
  t.ok(row.frames_sent >= 30, `peer row: ${row.frames_sent} frames sent`);
  for (const k of ['id', 'rtt_ms', 'nacks', 'plis', 'bytes_per_sec', 'frames_skipped']) t.ok(k in row, `peer row has ${k}`);
  t.equal((await call(srv.base, 'GET', '/status')).body.clients.webrtc, 1);
  const pid = srv.service.encoder.pid!;
  t.same(childPids(process.pid, 'ffmpeg'), [pid]);
  process.kill(pid, 'SIGKILL');
  await waitFor(async () => {
    const h = (await call(srv.base, 'GET', '/api/video/health')).body.webrtc_encoder;
    return h.restarts === 1 && h.state === 'running';
  }, 'the encoder to be restarted', { timeoutMs: 5000 });
  const h = (await call(srv.base, 'GET', '/api/video/health')).body.webrtc_encoder;
  t.match(h.last_error, /SIGKILL/, `health says why: ${h.last_error}`);
  const before = v.counts.frames;
  await waitFor(() => v.counts.frames >= before + 30, 'frames again after the restart');
  t.equal((await fetch(`${srv.base}${location}`, { method: 'DELETE' })).status, 200);
  await waitFor(async () => (await call(srv.base, 'GET', '/status')).body.clients.webrtc === 0, 'the peer to be gone');
});

t.test('the page at / switches to WebRTC and plays H.264 in Chromium', async (t) => {
  const srv = await startWebRtcServer(t);
  const browser = await launchChromium(t, WEBRTC_LOOPBACK_ARGS);
  if (!browser) return;
  const page = await browser.newPage();
  await page.goto(`${srv.base}/`);
  await page.selectOption('#transport', 'webrtc');
  // The dashboard's video panel holds the WebRTC <video> and says which transport shows.
  await page.waitForFunction(`(() => { const p = document.getElementById('video-panel'); const v = p && p.querySelector('video');
    return !!v && p.dataset.transport === 'webrtc' && v.videoWidth === 640 && v.videoHeight === 480 && v.currentTime > 0.5; })()`,
  undefined, { timeout: 15000 });
  t.pass('the <video> plays 640x480');
  t.equal((await call(srv.base, 'GET', '/status')).body.clients.webrtc, 1);
  t.equal((await call(srv.base, 'GET', '/stats')).body.http_connections, 0, 'the MJPEG stream was stopped');
  await page.selectOption('#transport', 'mjpeg');
  await waitFor(async () => (await call(srv.base, 'GET', '/status')).body.clients.webrtc === 0, 'switching back to close the peer');
  t.pass('switching back closed the peer');
});

t.test('per-address and total caps on signaling sockets and WHEP sessions; a freed place is reusable', async (t) => {
  const srv = await startWebRtcServer(t, { width: 320, height: 240, webrtc: { max_peers: 3 }, config: { streaming: { max_clients_per_address: 2 } } });
  const url = `ws://127.0.0.1:${srv.port}/ws/webrtc_signaling`;
  const open: WebSocket[] = [];
  t.teardown(() => open.forEach((w) => w.terminate()));
  for (let i = 0; i < 2; i++) {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    open.push(ws);
  }
  t.equal(await upgradeStatus(url), 503, 'a third socket from the same address: 503');
  open.pop()!.close();
  await waitFor(async () => (await upgradeStatus(url)) === 101, 'a closed socket to free its place');
  // WHEP: two sessions from this address, the third refused with its code; DELETE frees one.
  const a = await whepViewer(srv.base);
  const b = await whepViewer(srv.base);
  t.teardown(() => { a.v.close(); b.v.close(); });
  const third = await fetch(`${srv.base}/whep`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: 'v=0\r\n' });
  t.equal(third.status, 503);
  t.equal(((await third.json()) as { code: string }).code, 'SKYFEED_ERR_WEBRTC_LIMIT');
  t.equal((await fetch(`${srv.base}${a.location}`, { method: 'DELETE' })).status, 200);
  const again = await fetch(`${srv.base}/whep`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: 'v=0\r\n' });
  t.equal(again.status, 400, 'the freed place is usable again (this body is simply a bad offer)');
});

t.test('CORS: a page on an allowed origin may PATCH with If-Match and read Location and ETag', async (t) => {
  const origin = 'http://ground.example';
  const srv = await startWebRtcServer(t, { width: 320, height: 240, config: { http: { cors: { origins: [origin], allow_credentials: false, max_age_s: 60 } } } });
  const pre = await fetch(`${srv.base}/whep/abc`, {
    method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'PATCH', 'Access-Control-Request-Headers': 'content-type, if-match' },
  });
  t.match(pre.headers.get('access-control-allow-methods'), /PATCH/);
  t.match(pre.headers.get('access-control-allow-headers'), /If-Match/i);
  const v = new NdcReceiver({ trickle: true });
  t.teardown(() => v.close());
  const res = await fetch(`${srv.base}/whep`, { method: 'POST', headers: { 'Content-Type': 'application/sdp', Origin: origin }, body: await v.offer() });
  t.equal(res.status, 201);
  t.match(res.headers.get('access-control-expose-headers'), /Location/);
  t.match(res.headers.get('access-control-expose-headers'), /ETag/);
  await fetch(`${srv.base}${res.headers.get('location')}`, { method: 'DELETE' });
});
