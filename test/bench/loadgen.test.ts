import t from 'tap';
import { startServerProcess, getJson } from '../../bench/server-process.js';
import { LoadgenPool } from '../../bench/loadgen-pool.js';
import { cpuSample, rssBytes } from '../../bench/proc-stats.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('load generators measure MJPEG, WebSocket and REST clients of a real server', async (t) => {
  const server = await startServerProcess('uws', { streaming: { width: 320, height: 240, fps: 15 }, pipeline: { workers: 1 } });
  t.teardown(() => server.stop());
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
  await sleep(1500);
  const [m, w, r] = await Promise.all([mjpeg.report(), ws.report(), rest.report()]);
  const cpu1 = cpuSample(server.pid);

  for (const [name, rep, n] of [['mjpeg', m, 3], ['ws', w, 2]] as const) {
    t.equal(rep.fastFrames.length, n, `${name}: one row per client`);
    t.ok(rep.fastFrames.every((f) => f >= 5 && f <= 40), `${name}: ~15 fps for 1.5 s each (${rep.fastFrames})`);
    t.equal(rep.invalidFrames, 0, `${name}: every frame has JPEG markers`);
    t.equal(rep.outOfOrder, 0);
    t.equal(rep.latency.count, rep.fastFrames.reduce((a, b) => a + b, 0), `${name}: a latency per frame`);
    const p50 = rep.latency.percentile(50);
    t.ok(p50 >= 0 && p50 < 1000, `${name}: latency p50 ${p50} ms is plausible`);
    t.ok(rep.jpegBytes / rep.latency.count > 2000, `${name}: bytes per frame`);
    t.ok(rep.cpuPct.every((c) => c >= 0 && c < 200), `${name}: generator CPU measured`);
  }
  t.ok(r.fastFrames.reduce((a, b) => a + b, 0) > 10, 'REST loop completed requests');
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
  const server = await startServerProcess('uws', { streaming: { width: 320, height: 240, fps: 15 }, pipeline: { workers: 1 } });
  t.teardown(() => server.stop());
  const pool = new LoadgenPool({ port: server.port, kind: 'mjpeg', path: '/video_feed', clients: 3, slow: 1, perProcess: 100, maxProcesses: 1 });
  t.teardown(() => pool.close());
  await pool.open(10000);
  pool.mark();
  pool.stall();
  await sleep(1000);
  const rep = await pool.report();
  t.equal(rep.slowFrames.length, 1);
  t.equal(rep.fastFrames.length, 2);
  t.ok(rep.fastFrames.every((f) => f >= 5), `fast clients kept receiving (${rep.fastFrames})`);
  // A paused socket still drains what the kernel had already buffered, at most a frame or two.
  t.ok(rep.slowFrames[0] <= 3, `the stalled client stopped reading (${rep.slowFrames[0]} frames)`);
});
