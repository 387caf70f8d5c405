// Encode workers crash: service degrades, visibly, and recovers by itself.

import t from 'tap';
import { FramePipeline } from '../../lib/pipeline/frame-pipeline.js';
import { SyntheticSource } from '../../lib/capture/synthetic-source.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function running() {
  const p = new FramePipeline({
    width: 320, height: 240, workers: 2, ringSlots: 6, encodedSlots: 16, skipIdentical: true,
    enableCache: true, cacheTtlMs: 100,
  });
  const seen = { count: 0 };
  p.onFrame(() => seen.count++);
  await p.start(new SyntheticSource({ fps: 30, scene: 'moving' }));
  p.addDemand(80, +1);
  await sleep(400);
  return { p, seen };
}

/** Frames published in the next `ms`, once the pipeline had `settleMs` to recover. */
async function flowing(seen: { count: number }, settleMs: number, ms = 1000): Promise<number> {
  await sleep(settleMs);
  const before = seen.count;
  await sleep(ms);
  return seen.count - before;
}

t.test('a worker killed mid-stream is replaced and frames keep flowing', async (t) => {
  const { p, seen } = await running();
  t.teardown(() => p.close());
  await p.threads[0].terminate();
  const n = await flowing(seen, 500);
  t.ok(n > 20, `${n} frames in the second after the crash`);
  t.ok(p.counters.workerErrors <= 1, 'at most the one task it held failed');
});

t.test('a pool that piscina gives up on (workers killed while starting) is replaced', async (t) => {
  const { p, seen } = await running();
  t.teardown(() => p.close());
  // Kill every thread, then the replacements while they boot.
  for (let i = 0; i < 3; i++) {
    for (const th of p.threads) await th.terminate();
    await sleep(100);
  }
  const n = await flowing(seen, 3000);
  t.ok(n > 20, `${n} frames in one second, 3 s after the crashes (${JSON.stringify(p.counters)}, pool restarts ${p.poolRestarts})`);
  t.ok(p.counters.workerErrors >= 1, `worker errors are counted (${p.counters.workerErrors})`);
});
