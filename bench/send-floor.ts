// Calibration: what the kernel charges to send one frame to one client on
// this machine, without skyfeed. A bare uWS loop writes a prebuilt 64,000-byte
// buffer to N sockets at 30 fps, once with res.write (chunked: two sendto
// per frame) and once with res.tryEnd and a huge declared length (one
// sendto), and reports user and kernel CPU µs per frame.
//
//   node dist/bench/send-floor.js [clients=400] [seconds=5]

import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type * as UWS from 'uWebSockets.js';

const require = createRequire(import.meta.url);
const uws = require('uWebSockets.js') as typeof UWS;
const clients = Number(process.argv[2] ?? 400);
const seconds = Number(process.argv[3] ?? 5);
// About the size of a 640x480 q85 frame of the synthetic scene (~63 KB).
const FRAME = new Uint8Array(64000).fill(7);
const CLK_TCK_MS = 10;

function cpuMs(): [number, number] {
  const f = readFileSync(`/proc/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return [Number(f[11]) * CLK_TCK_MS, Number(f[12]) * CLK_TCK_MS];
}

async function run(mode: 'write' | 'tryEnd'): Promise<string> {
  const conns: { res: UWS.HttpResponse; busy: boolean; dead: boolean }[] = [];
  const app = uws.App().get('/s', (res) => {
    const c = { res, busy: false, dead: false };
    res.onAborted(() => { c.dead = true; });
    res.onWritable(() => { c.busy = false; return true; });
    res.writeStatus('200 OK');
    conns.push(c);
  });
  const ls = await new Promise<UWS.us_listen_socket>((ok) => app.listen('127.0.0.1', 0, (s) => ok(s)));
  const port = uws.us_socket_local_port(ls);
  // Readers in another process, discarding bytes.
  const gen = spawn(process.execPath, ['-e', `
    const net = require('net');
    for (let i = 0; i < ${clients}; i++) {
      const s = net.connect(${port}, '127.0.0.1', () => s.write('GET /s HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'));
      s.on('data', () => {}); s.on('error', () => {});
    }`], { stdio: 'ignore' });
  let sent = 0;
  const timer = setInterval(() => {
    for (const c of conns) {
      if (c.dead || c.busy) continue;
      c.res.cork(() => {
        const ok = mode === 'write' ? c.res.write(FRAME) : c.res.tryEnd(FRAME, 1e15)[0];
        if (!ok) c.busy = true;
      });
      sent++;
    }
  }, 1000 / 30);
  await new Promise((r) => setTimeout(r, 2000));
  const [u0, s0] = cpuMs();
  const n0 = sent;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const [u1, s1] = cpuMs();
  const n = sent - n0;
  clearInterval(timer);
  gen.kill();
  uws.us_listen_socket_close(ls);
  for (const c of conns) if (!c.dead) c.res.close();
  return `${mode.padEnd(6)} ${clients} clients: ${n} frames, user ${((u1 - u0) * 1000 / n).toFixed(2)} µs/frame, kernel ${((s1 - s0) * 1000 / n).toFixed(2)} µs/frame`;
}

console.log(await run('write'));
console.log(await run('tryEnd'));
process.exit(0);
