// HTTPS/WSS with http.tls (uWS SSLApp): our own origin becomes https, and
// the session cookie gets Secure. A child process: the start-up line and
// the start-up failure are the point.

import t from 'tap';
import { spawnSync } from 'node:child_process';
import { request } from 'node:https';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runExpectingFailure, startServer, writeConfig, TEST_ADMIN_TOKEN } from '../helpers/child-server.js';
import { openWs } from '../helpers/stream-client.js';

function selfSigned(): { cert: string; key: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-tls-'));
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  return { cert, key };
}

function https(port: number, ca: Buffer, method: string, p: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: p, headers, ca }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

t.test('https and wss with http.tls; our origin is https://; cookies are Secure', async (t) => {
  const tls = selfSigned();
  const ca = readFileSync(tls.cert);
  const srv = await startServer(t, { http: { tls } });
  t.match(srv.output(), new RegExp(`listening on https://127\\.0\\.0\\.1:${srv.port}`));
  t.equal((await https(srv.port, ca, 'GET', '/status', {})).status, 200);
  const json = { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const own = await https(srv.port, ca, 'PUT', '/api/config/streaming/quality', { ...json, origin: `https://127.0.0.1:${srv.port}` }, '{"value":80}');
  t.equal(own.status, 200, 'https://host:port is our origin');
  const plain = await https(srv.port, ca, 'PUT', '/api/config/streaming/quality', { ...json, origin: `http://127.0.0.1:${srv.port}` }, '{"value":80}');
  t.equal(plain.status, 403, 'http:// is not');
  const login = await https(srv.port, ca, 'POST', '/api/auth/login', { 'content-type': 'application/json' }, JSON.stringify({ token: TEST_ADMIN_TOKEN }));
  t.match(String(login.headers['set-cookie']), /; Secure/);
  const ws = await openWs(`wss://127.0.0.1:${srv.port}/ws/video_feed`, { ca });
  t.teardown(() => ws.terminate());
  await ws.waitParts(1);
  t.ok(ws.parts[0].valid && ws.protocolErrors.length === 0, 'a JPEG over wss');
  ws.close();
});

t.test('an unreadable certificate stops the start with the key named', async (t) => {
  const r = await runExpectingFailure(writeConfig({ http: { host: '127.0.0.1', port: 0, tls: { cert: '/nonexistent/cert.pem', key: '/nonexistent/key.pem' } } }));
  t.equal(r.code, 1);
  t.match(r.output, /http\.tls\.cert: cannot read \/nonexistent\/cert\.pem \(ENOENT\)/);
});
