// Timing suite: frames the load generators count in fixed windows (bounds
// as they were in test/bench/loadgen.test.ts, which now waits for counts).

import t from 'tap';
import { SERVER_ENTRIES } from '../../bench/server-process.js';
import { LoadgenPool } from '../../bench/loadgen-pool.js';
import { startServer } from '../helpers/child-server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const config = { streaming: { width: 320, height: 240, fps: 15 }, pipeline: { workers: 1 } };

t.test('~15 fps per client over 1.5 s (MJPEG and WebSocket)', async (t) => {
  const server = await startServer(t, config, { entry: SERVER_ENTRIES.uws });
  const mjpeg = new LoadgenPool({ port: server.port, kind: 'mjpeg', path: '/video_feed', clients: 3, perProcess: 2, maxProcesses: 4 });
  const ws = new LoadgenPool({ port: server.port, kind: 'ws', path: '/ws/video_feed', clients: 2, perProcess: 100, maxProcesses: 1 });
  t.teardown(() => Promise.all([mjpeg.close(), ws.close()]));
  for (const p of [mjpeg, ws]) await p.open(10000);
  for (const p of [mjpeg, ws]) p.mark();
  await sleep(1500);
  const [m, w] = await Promise.all([mjpeg.report(), ws.report()]);
  for (const [name, rep] of [['mjpeg', m], ['ws', w]] as const) {
    t.ok(rep.fastFrames.every((f) => f >= 5 && f <= 40), `${name}: ~15 fps for 1.5 s each (${rep.fastFrames})`);
  }
});

t.test('reading clients keep receiving for the second after another stalls', async (t) => {
  const server = await startServer(t, config, { entry: SERVER_ENTRIES.uws });
  const pool = new LoadgenPool({ port: server.port, kind: 'mjpeg', path: '/video_feed', clients: 3, slow: 1, perProcess: 100, maxProcesses: 1 });
  t.teardown(() => pool.close());
  await pool.open(10000);
  pool.mark();
  pool.stall();
  await sleep(1000);
  const rep = await pool.report();
  t.ok(rep.fastFrames.every((f) => f >= 5), `fast clients kept receiving (${rep.fastFrames})`);
  t.ok(rep.slowFrames[0] <= 3, `the stalled client stopped reading (${rep.slowFrames[0]} frames)`);
});
