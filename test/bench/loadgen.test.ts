// The benchmark's load generators against a real server: what they measure
// per client. How many frames they count in a fixed window is in
// test/timing/loadgen-window.test.ts.

import t from 'tap';
import { getJson, SERVER_ENTRIES } from '../../bench/server-process.js';
import { LoadgenPool, type PoolReport } from '../../bench/loadgen-pool.js';
import { cpuSample, rssBytes } from '../../bench/proc-stats.js';
import { startServer } from '../helpers/child-server.js';
import { waitFor } from '../helpers/wait.js';

const config = { streaming: { width: 320, height: 240, fps: 15 }, pipeline: { workers: 1 } };
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

t.test('load generators measure MJPEG, WebSocket and REST clients of a real server', async (t) => {
  // The tests' launcher: the server is tied to this process (the bench's own is not).
  const server = await startServer(t, config, { entry: SERVER_ENTRIES.uws });
  const mjpeg = new LoadgenPool({ port: server.port, kind: 'mjpeg', path: '/video_feed', clients: 3, perProcess: 2, maxProcesses: 4, sample: true });
  const ws = new LoadgenPool({ port: server.port, kind: 'ws', path: '/ws/video_feed', clients: 2, perProcess: 100, maxProcesses: 1 });
  const rest = new LoadgenPool({ port: server.port, kind: 'status', path: '/status', clients: 2, perProcess: 100, maxProcesses: 1 });
  t.teardown(() => Promise.all([mjpeg.close(), ws.close(), rest.close()]));
  t.equal(mjpeg.processes, 2, 'clients are spread over processes');
  for (const [name, p] of [['mjpeg', mjpeg], ['ws', ws], ['rest', rest]] as const) {
    const o = await p.open(10000);
    t.same(o, { ready: p.opts.clients, failed: 0, errors: [] }, `${name}: every client ready`);
  }
  for (const p of [mjpeg, ws, rest]) p.mark();
  const cpu0 = cpuSample(server.pid);
  const [m, w, r] = await waitFor(async () => {
    const reps = await Promise.all([mjpeg.report(), ws.report(), rest.report()]);
    const [rm, rw, rr] = reps;
    return rm.fastFrames.every((f) => f >= 5) && rw.fastFrames.every((f) => f >= 5) && sum(rr.fastFrames) > 10 ? reps : null;
  }, 'five frames for every stream client and ten REST replies', { timeoutMs: 20000, everyMs: 100 });
  const cpu1 = cpuSample(server.pid);

  for (const [name, rep, n] of [['mjpeg', m, 3], ['ws', w, 2]] as [string, PoolReport, number][]) {
    t.equal(rep.fastFrames.length, n, `${name}: one row per client`);
    t.ok(rep.fastFrames.every((f) => f >= 5), `${name}: frames counted per client (${rep.fastFrames})`);
    t.equal(rep.invalidFrames, 0, `${name}: every frame has JPEG markers`);
    t.equal(rep.outOfOrder, 0);
    t.equal(rep.latency.count, sum(rep.fastFrames), `${name}: a latency per frame`);
    const p50 = rep.latency.percentile(50);
    t.ok(p50 >= 0 && p50 < 1000, `${name}: latency p50 ${p50} ms is plausible`);
    t.ok(rep.jpegBytes / rep.latency.count > 2000, `${name}: bytes per frame`);
    t.ok(rep.cpuPct.every((c) => c >= 0 && c < 200), `${name}: generator CPU measured`);
  }
  t.ok(sum(r.fastFrames) > 10, 'REST loop completed requests');
  t.equal(r.invalidFrames, 0, 'REST responses were 200');

  const sample = await mjpeg.waitSample(3000);
  t.ok(sample && sample[0] === 0xff && sample[1] === 0xd8, 'a sample JPEG was captured');

  t.ok(cpu1.totalUs >= cpu0.totalUs && cpu1.totalUs > 0, 'server CPU read from /proc');
  t.ok(rssBytes(server.pid) > 10 * 2 ** 20, 'server RSS read from /proc');
  const stats = await getJson(server.port, '/stats');
  t.equal(stats.http_connections, 3);
  t.equal(stats.ws_connections, 2);
});

t.test('stalled clients stop receiving while the others keep going', async (t) => {
  const server = await startServer(t, config, { entry: SERVER_ENTRIES.uws });
  const pool = new LoadgenPool({ port: server.port, kind: 'mjpeg', path: '/video_feed', clients: 3, slow: 1, perProcess: 100, maxProcesses: 1 });
  t.teardown(() => pool.close());
  await pool.open(10000);
  pool.mark();
  pool.stall();
  const rep = await waitFor(async () => {
    const x = await pool.report();
    return x.fastFrames.every((f) => f >= 15) ? x : null;
  }, 'fifteen frames for each reading client', { timeoutMs: 20000, everyMs: 100 });
  t.equal(rep.slowFrames.length, 1);
  t.equal(rep.fastFrames.length, 2);
  t.ok(rep.fastFrames.every((f) => f >= 5), `fast clients kept receiving (${rep.fastFrames})`);
  // A paused socket still drains what the kernel had already buffered, at most a frame or two.
  t.ok(rep.slowFrames[0] <= 3, `the stalled client stopped reading (${rep.slowFrames[0]} frames)`);
});
