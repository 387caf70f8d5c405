// DNS rebinding and cross-origin requests: the Host must name this machine,
// and a browser Origin must match scheme, host and port (or be listed).

import t from 'tap';
import { request } from 'node:http';
import { hostname } from 'node:os';
import { wsUpgradeStatus } from '../helpers/stream-client.js';
import { hostName, hostPolicy } from '../../lib/http/auth/host-policy.js';
import { corsPolicy } from '../../lib/http/cors.js';
import { startInProcess } from '../helpers/in-process.js';
import { TEST_ADMIN_TOKEN } from '../helpers/child-server.js';

/** A raw request with exactly these headers (fetch would not let us set Host). */
function raw(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, setHost: false }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

t.test('host names', async (t) => {
  t.equal(hostName('Example.COM:8000'), 'example.com');
  t.equal(hostName('[::1]:8000'), '::1');
  t.equal(hostName('127.0.0.1'), '127.0.0.1');
  t.equal(hostName('drone.local.'), 'drone.local');
  const p = hostPolicy(['gcs.example.net'], 'pi-drone');
  for (const ok of ['127.0.0.1:8000', '10.1.2.3', '[fe80::1]:8000', 'localhost:8000', 'pi-drone:8000', 'pi-drone.local', 'PI-DRONE.local:80', 'gcs.example.net', 'a.localhost']) {
    t.ok(p.allows(ok), ok);
  }
  for (const no of ['evil.example:8000', 'pi-drone.evil.example', '', 'gcs.example.net.evil', '127.0.0.1.nip.io']) t.notOk(p.allows(no), `refuses ${JSON.stringify(no)}`);
});

t.test('same origin compares scheme, host and port', async (t) => {
  const http = corsPolicy({ origins: [], allow_credentials: false, max_age_s: 1 }, 'http');
  t.ok(http.allows('http://127.0.0.1:8000', '127.0.0.1:8000'));
  t.notOk(http.allows('https://127.0.0.1:8000', '127.0.0.1:8000'), 'https is another origin');
  t.notOk(http.allows('http://127.0.0.1:8001', '127.0.0.1:8000'), 'another port');
  t.notOk(http.allows('null', '127.0.0.1:8000'));
  t.ok(http.allows('http://drone', 'drone:80'), 'default port on one side only');
  const tls = corsPolicy({ origins: ['http://gcs.local'], allow_credentials: false, max_age_s: 1 }, 'https');
  t.ok(tls.allows('https://drone:8443', 'drone:8443'));
  t.notOk(tls.allows('http://drone:8443', 'drone:8443'));
  t.ok(tls.allows('http://gcs.local', 'drone:8443'), 'a listed origin');
});

t.test('the rebinding request from the issue gets 403, its WebSocket too; our own names work', async (t) => {
  const srv = await startInProcess(t, { http: { allowed_hosts: ['skyfeed.example.net'] } });
  const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const evil = await raw(srv.port, 'PUT', '/api/config/streaming/quality', { ...auth, host: `evil.example:${srv.port}`, origin: `http://evil.example:${srv.port}` }, '{"value":85}');
  t.equal(evil.status, 403);
  t.match(JSON.parse(evil.body).detail, /DNS rebinding/);
  t.equal((await raw(srv.port, 'GET', '/status', { host: `evil.example:${srv.port}` })).status, 403, 'reads too: a rebinding page cannot watch the camera');
  const ws = await wsUpgradeStatus(`ws://127.0.0.1:${srv.port}/ws/video_feed`, { headers: { host: `evil.example:${srv.port}`, origin: `http://evil.example:${srv.port}` } });
  t.equal(ws, 403, 'WebSocket upgrade refused');
  for (const host of [`127.0.0.1:${srv.port}`, `localhost:${srv.port}`, `${hostname()}:${srv.port}`, `skyfeed.example.net:${srv.port}`]) {
    t.equal((await raw(srv.port, 'GET', '/status', { host })).status, 200, `Host ${host}`);
  }
  const own = await raw(srv.port, 'PUT', '/api/config/streaming/quality', { ...auth, host: `127.0.0.1:${srv.port}`, origin: `http://127.0.0.1:${srv.port}` }, '{"value":80}');
  t.equal(own.status, 200, 'our own origin may change state');
  const scheme = await raw(srv.port, 'PUT', '/api/config/streaming/quality', { ...auth, host: `127.0.0.1:${srv.port}`, origin: `https://127.0.0.1:${srv.port}` }, '{"value":80}');
  t.equal(scheme.status, 403, 'https:// is not this http server\'s origin');
  const wsScheme = await wsUpgradeStatus(`ws://127.0.0.1:${srv.port}/ws/video_feed`, { headers: { origin: `https://127.0.0.1:${srv.port}` } });
  t.equal(wsScheme, 403, 'nor may it open the WebSocket');
});
