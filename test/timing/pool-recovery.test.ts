// Timing suite: how fast the encode pool is back to full rate after its
// workers crash (test/encode/pool-encoder.test.ts checks that it recovers).
// Bounds as the crash tests had them: more than 20 frames (of 30) in one
// second, 0.5 s after one worker died and 3 s after the whole pool died
// three times over.

import t from 'tap';
import { startRig, type Rig } from '../helpers/jpeg-rig.js';
import { waitFor } from '../helpers/wait.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function streaming(): Promise<{ rig: Rig; seen: { count: number } }> {
  const rig = await startRig();
  const seen = { count: 0 };
  rig.jpeg.onFrame(() => seen.count++);
  rig.jpeg.addDemand(80, +1);
  await waitFor(() => seen.count >= 5, 'frames before the crash');
  return { rig, seen };
}

/** Frames published in one second, once the pool had `settleMs` to recover. */
async function oneSecond(seen: { count: number }, settleMs: number): Promise<number> {
  await sleep(settleMs);
  const before = seen.count;
  await sleep(1000);
  return seen.count - before;
}

t.test('one worker killed: full rate again within half a second', async (t) => {
  const { rig, seen } = await streaming();
  t.teardown(() => rig.close());
  await rig.jpeg.threads[0].terminate();
  const n = await oneSecond(seen, 500);
  t.ok(n > 20, `${n} frames in the second after the crash`);
});

t.test('the whole pool killed three times: full rate again within 3 s', async (t) => {
  const { rig, seen } = await streaming();
  t.teardown(() => rig.close());
  for (let i = 0; i < 3; i++) {
    for (const th of rig.jpeg.threads) await th.terminate();
    await sleep(100);
  }
  const n = await oneSecond(seen, 3000);
  t.ok(n > 20, `${n} frames in one second, 3 s after the crashes (pool restarts ${rig.jpeg.poolRestarts})`);
});
