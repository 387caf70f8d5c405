// Tokens, roles and sessions against real servers: the first-start admin
// token, hashes at rest, SKYFEED_ADMIN_TOKEN, login cookies, ?token= for
// media elements, token management, failure lockout, auth disabled, the CLI.

import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { openMjpeg, wsUpgradeStatus } from '../helpers/stream-client.js';
import { mainJs, startServer, startServerWithFile, writeConfig, TEST_ADMIN_TOKEN } from '../helpers/child-server.js';
import { startInProcess, startInProcessWithFile } from '../helpers/in-process.js';
import { waitFor } from '../helpers/wait.js';
import { call, streamRefusal } from '../helpers/http.js';

const bearer = (tok: string) => ({ authorization: `Bearer ${tok}` });
const local = { http: { host: '127.0.0.1', port: 0 } };

t.test('first start with no token: an admin token is created, printed once, stored only as a 0600 hash', async (t) => {
  const file = writeConfig(local);
  const tokensFile = path.join(path.dirname(file), 'tokens.json');
  // A child process: what the server prints at start is the point.
  let srv = await startServerWithFile(t, file, { env: { SKYFEED_ADMIN_TOKEN: '' } });
  const m = /\n\s+(sf_[A-Za-z0-9_-]{43})\n/.exec(srv.output());
  t.ok(m, 'the token is on the console');
  const token = m![1];
  t.equal(statSync(tokensFile).mode & 0o777, 0o600, 'tokens file is 0600');
  const stored = readFileSync(tokensFile, 'utf8');
  t.notOk(stored.includes(token), 'the token itself is not stored');
  t.match(JSON.parse(stored), { version: 1, tokens: [{ name: 'admin', role: 'admin', hash: /^sha256:[0-9a-f]{64}$/ }] });
  t.equal((await call(srv.base, 'POST', '/commands/stop_tracking', undefined, { authorization: '' })).status, 401);
  t.not((await call(srv.base, 'POST', '/commands/stop_tracking', undefined, bearer(token))).status, 401, 'the printed token works');
  t.equal((await call(srv.base, 'GET', '/api/config/audit', undefined, bearer(TEST_ADMIN_TOKEN))).status, 401, 'no environment token this time');
  await srv.stop();
  srv = await startServerWithFile(t, file, { env: { SKYFEED_ADMIN_TOKEN: '' } });
  t.notMatch(srv.output(), /sf_[A-Za-z0-9_-]{43}/, 'a restart prints no token');
  t.equal((await call(srv.base, 'GET', '/api/config/audit', undefined, bearer(token))).status, 200, 'and the first one still works');
});

t.test('SKYFEED_ADMIN_TOKEN is an admin token, never written; a short one is refused at start', async (t) => {
  const srv = await startInProcess(t);
  t.equal((await call(srv.base, 'GET', '/api/config/audit')).status, 200, 'the tests\' environment token is admin');
  t.notOk(existsSync(path.join(path.dirname(srv.configFile), 'tokens.json')), 'nothing created or stored when the environment has one');
  const short = spawnSync(process.execPath, [mainJs, '--config', writeConfig(local)], { env: { ...process.env, SKYFEED_ADMIN_TOKEN: 'abc' }, encoding: 'utf8', timeout: 10000 });
  t.equal(short.status, 1);
  t.match(short.stderr, /SKYFEED_ADMIN_TOKEN must be at least 16 characters/);
});

t.test('401 with WWW-Authenticate, 403 for a low role; viewer_access token closes video', async (t) => {
  const srv = await startInProcess(t, { auth: { viewer_access: 'token' } });
  const viewer = await srv.server.context.auth.tokens.create('cam-viewer', 'viewer');
  const none = await fetch(`${srv.base}/status`);
  t.equal(none.status, 401);
  t.equal(none.headers.get('www-authenticate'), 'Bearer realm="skyfeed"');
  const wrong = await fetch(`${srv.base}/status`, { headers: bearer('sf_wrong_wrong_wrong') });
  t.equal(wrong.status, 401);
  t.match(wrong.headers.get('www-authenticate'), /error="invalid_token"/);
  t.equal((await fetch(`${srv.base}/status`, { headers: bearer(viewer) })).status, 200);
  const low = await fetch(`${srv.base}/commands/stop_tracking`, { method: 'POST', headers: bearer(viewer) });
  t.equal(low.status, 403);
  t.match(((await low.json()) as { detail: string }).detail, /role operator required; this token \(cam-viewer\) has role viewer/);
  // A media element cannot send headers: ?token= works for streams and snapshots.
  const snap = await fetch(`${srv.base}/snapshot?token=${viewer}`);
  t.equal(snap.status, 200);
  t.equal(snap.headers.get('content-type'), 'image/jpeg');
  const feed = await openMjpeg(`${srv.base}/video_feed?fps=5&token=${encodeURIComponent(viewer)}`);
  t.equal(feed.status, 200);
  feed.close();
  t.equal((await streamRefusal(`${srv.base}/video_feed`)).status, 401);
  t.equal((await fetch(`${srv.base}/`)).status, 200, 'the page itself is public (it asks for the token)');
});

t.test('login sets an HttpOnly SameSite=Strict cookie that works for commands and WebSockets; logout ends it', async (t) => {
  const srv = await startInProcess(t, { auth: { viewer_access: 'token' } });
  const op = await srv.server.context.auth.tokens.create('gcs', 'operator');
  t.equal((await call(srv.base, 'POST', '/api/auth/login', { token: 'sf_nope' }, { authorization: '' })).status, 401);
  const login = await call(srv.base, 'POST', '/api/auth/login', { token: op }, { authorization: '' });
  t.equal(login.status, 200);
  t.match(login.body, { success: true, role: 'operator', name: 'gcs' });
  const cookie = login.headers.get('set-cookie')!;
  t.match(cookie, /^skyfeed_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
  const jar = { cookie: cookie.split(';')[0] };
  t.match((await call(srv.base, 'GET', '/api/auth/whoami', undefined, { ...jar, authorization: '' })).body, { role: 'operator', via: 'session' });
  t.not((await call(srv.base, 'POST', '/commands/stop_tracking', undefined, { ...jar, authorization: '' })).status, 401);
  t.equal((await call(srv.base, 'PUT', '/api/config/streaming/fps', { value: 10 }, { ...jar, authorization: '' })).status, 403, 'operator session cannot write config');
  const opened = await wsUpgradeStatus(`ws://127.0.0.1:${srv.port}/ws/video_feed`, { headers: jar });
  t.equal(opened, 101, 'the cookie opens the WebSocket');
  const out = await call(srv.base, 'POST', '/api/auth/logout', undefined, { ...jar, authorization: '' });
  t.match(out.body, { success: true, ended: true });
  t.match(out.headers.get('set-cookie'), /Max-Age=0/);
  t.equal((await call(srv.base, 'GET', '/status', undefined, { ...jar, authorization: '' })).status, 401, 'the session is gone');
});

t.test('admins create, list and revoke tokens; revoking ends its sessions; the token is shown once', async (t) => {
  const srv = await startInProcess(t);
  const made = await call(srv.base, 'POST', '/api/auth/tokens', { name: 'laptop', role: 'operator' });
  t.equal(made.status, 201);
  const tok = made.body.token as string;
  t.match(tok, /^sf_/);
  const list = await call(srv.base, 'GET', '/api/auth/tokens');
  t.match(list.body.tokens, [{ name: 'env:SKYFEED_ADMIN_TOKEN', role: 'admin', source: 'env' }, { name: 'laptop', role: 'operator', source: 'file' }]);
  t.notOk(JSON.stringify(list.body).includes(tok) || /sha256/.test(JSON.stringify(list.body)), 'neither token nor hash is listed');
  t.equal((await call(srv.base, 'POST', '/api/auth/tokens', { name: 'laptop', role: 'viewer' })).status, 409, 'names are unique');
  t.equal((await call(srv.base, 'POST', '/api/auth/tokens', { name: 'x y', role: 'viewer' })).status, 422);
  t.equal((await call(srv.base, 'POST', '/api/auth/tokens', { name: 'mine', role: 'admin' }, bearer(tok))).status, 403, 'an operator cannot mint tokens');
  const login = await call(srv.base, 'POST', '/api/auth/login', { token: tok }, { authorization: '' });
  const jar = { cookie: login.headers.get('set-cookie')!.split(';')[0], authorization: '' };
  t.not((await call(srv.base, 'POST', '/commands/stop_tracking', undefined, jar)).status, 401);
  const del = await call(srv.base, 'DELETE', '/api/auth/tokens/laptop');
  t.match(del.body, { success: true, revoked: 'laptop', sessions_ended: 1 });
  t.equal((await call(srv.base, 'POST', '/commands/stop_tracking', undefined, bearer(tok))).status, 401, 'the token is dead');
  t.equal((await call(srv.base, 'POST', '/commands/stop_tracking', undefined, jar)).status, 401, 'and so is its session');
  t.equal((await call(srv.base, 'DELETE', '/api/auth/tokens/env:SKYFEED_ADMIN_TOKEN')).status, 404, 'the environment token is not in the file');
});

t.test('repeated wrong tokens lock the address out for the window, even with a right token', async (t) => {
  const srv = await startInProcess(t, { rate_limit: { window_s: 60, max_requests: 5, max_clients: 64 } });
  for (let i = 0; i < 5; i++) t.equal((await fetch(`${srv.base}/status`, { headers: bearer(`sf_guess_${i}_xxxxxxxxxxxx`) })).status, 401);
  const locked = await fetch(`${srv.base}/status`, { headers: bearer(TEST_ADMIN_TOKEN) });
  t.equal(locked.status, 429);
  t.ok(Number(locked.headers.get('retry-after')) > 0);
  t.equal((await fetch(`${srv.base}/status`)).status, 200, 'anonymous viewing is not locked out');
});

t.test('auth.enabled false: everything is allowed and the start-up says so loudly', async (t) => {
  const srv = await startServer(t, { auth: { enabled: false } });
  // The warning is a log line on stderr (written asynchronously); the listening line on stdout may come first.
  await waitFor(() => /WARNING: auth\.enabled is false/.test(srv.output()), 'the start-up warning', 5000);
  t.match(srv.output(), /WARNING: auth\.enabled is false/);
  t.equal((await call(srv.base, 'GET', '/api/config/audit', undefined, { authorization: '' })).status, 200);
});

t.test('the token CLI adds, lists and revokes tokens in the config\'s tokens file', async (t) => {
  const file = writeConfig(local);
  const run = (...args: string[]) => spawnSync(process.execPath, [mainJs, 'token', ...args, '--config', file], { encoding: 'utf8', timeout: 10000 });
  const add = run('add', 'ground-station', 'operator');
  t.equal(add.status, 0, add.stderr);
  const tok = /^(sf_\S+)/.exec(add.stdout)![1];
  t.match(run('list').stdout, /ground-station\toperator/);
  const srv = await startInProcessWithFile(t, file);
  t.match((await call(srv.base, 'GET', '/api/auth/whoami', undefined, bearer(tok))).body, { role: 'operator', name: 'ground-station' });
  t.equal(run('add', 'x', 'pilot').status, 2, 'unknown role: usage error');
  t.equal(run('revoke', 'ground-station').status, 0);
  t.notMatch(run('list').stdout, /ground-station/);
  t.equal(run('revoke', 'ground-station').status, 1, 'revoking twice fails');
});
