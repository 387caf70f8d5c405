// Encode workers crash: service degrades, visibly, and recovers by itself.
// (How fast it recovers is the timing suite's business; here: that it does.)

import t from 'tap';
import { startRig, type Rig } from '../helpers/jpeg-rig.js';
import { pause, waitFor } from '../helpers/wait.js';

async function streaming(): Promise<{ rig: Rig; seen: { count: number } }> {
  const rig = await startRig();
  const seen = { count: 0 };
  rig.jpeg.onFrame(() => seen.count++);
  rig.jpeg.addDemand(80, +1);
  await waitFor(() => seen.count >= 5, 'frames before the crash');
  return { rig, seen };
}

t.test('a worker killed mid-stream is replaced and frames keep flowing', async (t) => {
  const { rig, seen } = await streaming();
  t.teardown(() => rig.close());
  await rig.jpeg.threads[0].terminate();
  const before = seen.count;
  await waitFor(() => seen.count >= before + 20, '20 more frames after the crash');
  t.ok(rig.jpeg.counters.workerErrors <= 1, 'at most the one task it held failed');
});

t.test('a pool that piscina gives up on (workers killed while starting) is replaced', async (t) => {
  const { rig, seen } = await streaming();
  t.teardown(() => rig.close());
  // Kill every thread, then the replacements while they boot.
  for (let i = 0; i < 3; i++) {
    for (const th of rig.jpeg.threads) await th.terminate();
    await pause(100);
  }
  const before = seen.count;
  await waitFor(() => seen.count >= before + 20, '20 frames after the crashes', 20000);
  t.ok(rig.jpeg.counters.workerErrors >= 1, `worker errors are counted (${rig.jpeg.counters.workerErrors})`);
  t.ok(rig.jpeg.poolRestarts >= 1, `the pool was replaced (${rig.jpeg.poolRestarts} restarts)`);
});
