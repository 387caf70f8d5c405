// The server's log as an operator's log shipper sees it: stderr of a real
// server process, one JSON object per line with level and time, and a line
// for each event the issue names (viewer connect/disconnect, auth failure,
// config change), never a token.

import t from 'tap';
import { mainJs, startServer, TEST_ADMIN_TOKEN, writeConfig, type RunningServer } from '../helpers/child-server.js';
import { spawnTied } from '../../lib/util/spawn-tied.js';
import { call } from '../helpers/http.js';
import { openMjpeg, openWs } from '../helpers/stream-client.js';
import { waitFor } from '../helpers/wait.js';

type Line = Record<string, unknown> & { level: number; time: number; msg: string };

/** Every stderr line parsed; throws on a line that is not a JSON object with level, time and msg. */
function logLines(srv: RunningServer): Line[] {
  const text = srv.stderr();
  const lines = text.split('\n').filter((l) => l !== '');
  return lines.map((l, i) => {
    let o: unknown;
    try {
      o = JSON.parse(l);
    } catch {
      throw new Error(`stderr line ${i + 1} is not JSON: ${l.slice(0, 200)}`);
    }
    const r = o as Line;
    if (typeof r !== 'object' || r === null || typeof r.level !== 'number' || typeof r.time !== 'number' || typeof r.msg !== 'string') {
      throw new Error(`stderr line ${i + 1} lacks level/time/msg: ${l.slice(0, 200)}`);
    }
    return r;
  });
}

const find = (srv: RunningServer, match: Record<string, unknown>) =>
  logLines(srv).filter((l) => Object.entries(match).every(([k, v]) => l[k] === v));

async function waitLine(srv: RunningServer, match: Record<string, unknown>, what: string): Promise<Line> {
  await waitFor(() => find(srv, match).length > 0, what, { timeoutMs: 10000, everyMs: 50 });
  return find(srv, match)[0];
}

t.test('viewer connects and disconnects, an auth failure and a config change are JSON log lines on stderr', async (t) => {
  const srv = await startServer(t, { streaming: { width: 320, height: 240, fps: 20 } });
  const t0 = Date.now();

  const m = await openMjpeg(`${srv.base}/video_feed`);
  await m.waitParts(5);
  const mConnect = await waitLine(srv, { event: 'connect', transport: 'mjpeg' }, 'the MJPEG connect line');
  t.match(mConnect, { level: 30, component: 'stream', remote: '127.0.0.1', client_id: String });
  t.ok(mConnect.time >= t0 - 1000 && mConnect.time <= Date.now() + 1000, 'time is epoch ms');
  m.close();
  const mGone = await waitLine(srv, { event: 'disconnect', transport: 'mjpeg' }, 'the MJPEG disconnect line');
  t.equal(mGone.client_id, mConnect.client_id, 'the same client id');
  t.ok((mGone.frames_sent as number) >= 5, `frames_sent ${String(mGone.frames_sent)}`);
  t.type(mGone.duration_s, 'number');

  const ws = await openWs(`${srv.base}/ws/video_feed`);
  await ws.waitParts(5);
  ws.close();
  const wsConnect = await waitLine(srv, { event: 'connect', transport: 'ws' }, 'the WS connect line');
  const wsGone = await waitLine(srv, { event: 'disconnect', transport: 'ws' }, 'the WS disconnect line');
  t.equal(wsGone.client_id, wsConnect.client_id);
  t.ok((wsGone.frames_sent as number) >= 5);

  const wrong = 'sf_wrong_secret_token_value_abcdefghijklmnopqrstuv';
  const denied = await call(srv.base, 'GET', '/stats', undefined, { authorization: `Bearer ${wrong}` });
  t.equal(denied.status, 401);
  const fail = await waitLine(srv, { event: 'auth_failure' }, 'the auth failure line');
  t.match(fail, { level: 40, component: 'http', route: '/stats', method: 'GET', remote: '127.0.0.1' });
  t.equal(fail.code, 'SKYFEED_ERR_AUTH_INVALID_TOKEN');
  t.notOk(srv.stderr().includes(wrong), 'the presented token is nowhere in the log');
  t.notOk(srv.stderr().includes(TEST_ADMIN_TOKEN), 'nor the admin token');

  const put = await call(srv.base, 'PUT', '/api/config/streaming/quality', { value: 70 });
  t.equal(put.status, 200, JSON.stringify(put.body));
  const change = await waitLine(srv, { event: 'config_change' }, 'the config change line');
  t.match(change, { level: 30, component: 'config', action: 'update', key: 'streaming.quality', actor: /127\.0\.0\.1/ });

  t.notOk(/skyfeed listening on/.test(srv.stderr()), 'the listening line is on stdout, not in the log');
  t.match(srv.output(), new RegExp(`skyfeed listening on http://127\\.0\\.0\\.1:${srv.port} \\(source synthetic`), 'and unchanged there');
  t.ok(logLines(srv).length >= 7, 'every stderr line parsed as a JSON log line');
});

t.test('log.level and SKYFEED_LOG_LEVEL: info lines go at warn; the environment wins over the file', async (t) => {
  const quiet = await startServer(t, { log: { level: 'warn' } });
  await call(quiet.base, 'GET', '/stats', undefined, { authorization: 'Bearer sf_nope_nope_nope_nope_nope_nope' });
  await waitLine(quiet, { event: 'auth_failure' }, 'a warn line at level warn');
  t.same(logLines(quiet).filter((l) => l.level < 40), [], 'no info lines at warn');

  const loud = await startServer(t, { log: { level: 'warn' } }, { env: { SKYFEED_LOG_LEVEL: 'info' } });
  await waitLine(loud, { msg: 'listening', level: 30 }, 'the info line the environment brought back');
  t.pass('the environment wins over log.level');
});

t.test('on a terminal the log is readable text, not JSON', async (t) => {
  // script(1) runs the server on a pseudo-terminal (stdout and stderr); it is
  // ended once the formatted line is seen (the terminal's hangup ends the server).
  const file = writeConfig({ http: { host: '127.0.0.1', port: 0 }, vehicle: { connection: 'none' } });
  const proc = spawnTied('script', ['-qfec', `${process.execPath} ${mainJs} --config ${file}`, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, SKYFEED_ADMIN_TOKEN: TEST_ADMIN_TOKEN },
  });
  t.teardown(() => { proc.kill('SIGKILL'); });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => { out += d.toString().replace(/\r/g, ''); });
  await waitFor(() => /INFO {2}server: listening/.test(out), 'the formatted listening line', { timeoutMs: 30000, everyMs: 100 });
  proc.kill('SIGTERM');
  t.match(out, /skyfeed listening on http:\/\/127\.0\.0\.1:\d+/, 'started');
  t.match(out, /^\d\d:\d\d:\d\d\.\d{3} INFO {2}server: listening url=http:\/\/127\.0\.0\.1:\d+ source=synthetic/m, 'a formatted line');
  t.notMatch(out, /^\{"level"/m, 'no JSON on a terminal');
});
