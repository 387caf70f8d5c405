// The listener: one instance per port (exclusive listen), failures that
// name their reason, and a pipelining client that never reads cannot make
// the server buffer answers without bound. Child processes: the port, the
// start-up failure and the server's own RSS are the point.

import t from 'tap';
import { createServer, type AddressInfo } from 'node:net';
import { cpuSample } from '../../bench/proc-stats.js';
import { findExecutable, spawnTied } from '../../lib/util/spawn-tied.js';
import { rssOf, runExpectingFailure, startServer, writeConfig } from '../helpers/child-server.js';
import { call } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

const rssMb = (pid: number) => rssOf(pid) / 1048576;

/**
 * Resolves once process `pid` has used at least `minWorkMs` of CPU and then
 * at most one clock tick over 500 ms: it has done what the input so far
 * makes it do (an idle server uses about one tick a second; the pipelined
 * probe below costs it about a second). `sample` runs at every check.
 */
async function quiet(pid: number, what: string, minWorkMs = 0, sample: () => void = () => {}): Promise<void> {
  const tick = 1e6 / 100; // µs per clock tick (USER_HZ 100 on Linux)
  const cpu: number[] = [];
  await waitFor(() => {
    sample();
    cpu.push(cpuSample(pid).totalUs);
    const n = cpu.length;
    return n > 5 && cpu[n - 1] - cpu[0] >= minWorkMs * 1000 && cpu[n - 1] - cpu[n - 6] <= tick;
  }, what, { timeoutMs: 30000, everyMs: 100 });
}

/** A TCP port free right now (a fixed port, as in production: port 0 would be auto-bound, which the kernel never shares). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

t.test('a second instance on a busy port exits non-zero saying the port is in use', async (t) => {
  const srv = await startServer(t, { http: { host: '127.0.0.1', port: await freePort() } });
  const second = await runExpectingFailure(writeConfig({ http: { host: '127.0.0.1', port: srv.port } }));
  t.equal(second.code, 1);
  t.match(second.output, new RegExp(`port ${srv.port} is in use`));
  t.notMatch(second.output, /\n\s+at /, 'a reason, not a stack');
  for (let i = 0; i < 10; i++) t.equal((await call(srv.base, 'GET', '/status')).status, 200, 'the first one keeps every request');
});

t.test('a listen address that is not ours is named as such', async (t) => {
  const r = await runExpectingFailure(writeConfig({ http: { host: '192.0.2.1', port: 0 } }));
  t.equal(r.code, 1);
  t.match(r.output, /address 192\.0\.2\.1 is not on this machine/);
});

t.test('20,000 pipelined requests from a client that never reads leave RSS within 30 MB', async (t) => {
  const srv = await startServer(t, {});
  // Warm up what a normal run allocates (JIT, the schema answer) first.
  for (let i = 0; i < 50; i++) await call(srv.base, 'GET', '/api/config/schema');
  await quiet(srv.pid, 'the server to settle after the warm-up');
  const start = rssMb(srv.pid);
  // The probe, five connections at once (2.8 GB before the fix). It
  // says when it has sent, and holds the connections until told to leave.
  const probe = `import socket,sys
ss=[]
for i in range(5):
  s=socket.socket();s.setsockopt(1,8,4096);s.connect(('127.0.0.1',${srv.port}));s.setblocking(False)
  try: s.sendall(b'GET /api/config/schema HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'*20000)
  except BlockingIOError: pass
  ss.append(s)
print('sent', flush=True)
sys.stdin.read()`;
  const py = spawnTied(findExecutable('python3') ?? 'python3', ['-c', probe], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((r) => py.once('exit', r));
  t.teardown(() => py.kill('SIGKILL'));
  let sent = false;
  py.stdout!.on('data', (d) => (sent ||= String(d).includes('sent')));
  let peak = start;
  const sample = () => { peak = Math.max(peak, rssMb(srv.pid)); };
  await waitFor(() => { sample(); return sent; }, 'the probe to send its requests', { everyMs: 100 });
  // The server works through what it could read, then the full sockets stop it.
  await quiet(srv.pid, 'the server to work through the pipelined requests and stop', 200, sample);
  py.stdin!.end();
  await exited;
  t.ok(peak - start < 30, `RSS ${start.toFixed(0)} → peak ${peak.toFixed(0)} MB`);
  t.equal((await call(srv.base, 'GET', '/status')).status, 200, 'still serving');
});
