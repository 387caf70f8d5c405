// The listener: one instance per port (exclusive listen), failures that
// name their reason, and a pipelining client that never reads cannot make
// the server buffer answers without bound.

import t from 'tap';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { runExpectingFailure, startServer, writeConfig } from '../helpers/spawn-server.js';
import { call } from '../helpers/http.js';

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/** A TCP port free right now (a fixed port, as in production: port 0 would be auto-bound, which the kernel never shares). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

t.test('a second instance on a busy port exits non-zero saying the port is in use', async (t) => {
  const srv = await startServer({ http: { host: '127.0.0.1', port: await freePort() } });
  t.teardown(() => srv.stop());
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
  const srv = await startServer({});
  t.teardown(() => srv.stop());
  // Warm up what a normal run allocates (JIT, the schema answer) first.
  for (let i = 0; i < 50; i++) await call(srv.base, 'GET', '/api/config/schema');
  await new Promise((r) => setTimeout(r, 500));
  const start = rssMb(srv.proc.pid!);
  // The probe, five connections at once (2.8 GB before the fix).
  const probe = `import socket,time
ss=[]
for i in range(5):
  s=socket.socket();s.setsockopt(1,8,4096);s.connect(('127.0.0.1',${srv.port}));s.setblocking(False)
  try: s.sendall(b'GET /api/config/schema HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'*20000)
  except BlockingIOError: pass
  ss.append(s)
time.sleep(4)`;
  const py = spawn('python3', ['-c', probe], { stdio: 'inherit' });
  let peak = start;
  const sampler = setInterval(() => { peak = Math.max(peak, rssMb(srv.proc.pid!)); }, 100);
  await new Promise((r) => py.once('exit', r));
  clearInterval(sampler);
  t.ok(peak - start < 30, `RSS ${start.toFixed(0)} → peak ${peak.toFixed(0)} MB`);
  t.equal((await call(srv.base, 'GET', '/status')).status, 200, 'still serving');
});
