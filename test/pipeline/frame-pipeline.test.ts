// The pipeline in-process: newest-frame-wins, demand-driven encoding, and a
// crashed encode worker degrading service without taking it down.

import t from 'tap';
import sharp from 'sharp';
import { FramePipeline } from '../../lib/pipeline/frame-pipeline.js';
import { SyntheticSource } from '../../lib/capture/synthetic-source.js';
import type { EncodedFrame } from '../../lib/pipeline/encoded-frame.js';
import { encodedSlotsFor } from '../../lib/pipeline/encoded-slots.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function makePipeline(over: Partial<ConstructorParameters<typeof FramePipeline>[0]> = {}) {
  return new FramePipeline({
    width: 320, height: 240, workers: 2, ringSlots: 6, encodedSlots: 16, skipIdentical: true,
    enableCache: true, cacheTtlMs: 100, ...over,
  });
}

t.test('encodes only while someone watches, each quality once per frame', async (t) => {
  const p = makePipeline();
  t.teardown(() => p.close());
  const frames: EncodedFrame[] = [];
  p.onFrame((f) => frames.push(f));
  await p.start(new SyntheticSource({ fps: 30, scene: 'moving' }));
  await sleep(300);
  t.equal(p.counters.framesEncoded, 0, 'nothing encoded without demand');
  t.ok(p.counters.idleSkipped > 0);
  p.addDemand(80, +1);
  p.addDemand(40, +1);
  await sleep(700);
  p.addDemand(80, -1);
  p.addDemand(40, -1);
  const at80 = frames.filter((f) => f.quality === 80);
  const at40 = frames.filter((f) => f.quality === 40);
  t.ok(at80.length > 10 && Math.abs(at80.length - at40.length) <= 2, `${at80.length} frames at q80, ${at40.length} at q40`);
  t.equal(p.counters.encodes, p.counters.framesEncoded * 2, 'two encodes per frame, one per quality');
  const f = at80[at80.length - 1];
  const head = Buffer.from(f.part.subarray(0, f.part.length - f.length - 2)).toString('latin1');
  t.match(head, new RegExp(`^--frame\\r\\nContent-Type: image/jpeg\\r\\nContent-Length: ${f.length}\\r\\nX-Timestamp: \\d+\\.\\d{6}\\r\\nX-Frame-Id: ${f.id}\\r\\n\\r\\n$`));
  t.match(await sharp(Buffer.from(f.jpeg)).metadata(), { width: 320, height: 240, format: 'jpeg' });
  const ids = at80.map((x) => x.id);
  t.ok(ids.every((id, i) => i === 0 || id > ids[i - 1]), 'never goes backwards');
});

t.test('snapshot without streamers encodes on demand; then serves the cache within the TTL', async (t) => {
  const p = makePipeline({ cacheTtlMs: 10_000 });
  t.teardown(() => p.close());
  await p.start(new SyntheticSource({ fps: 30, scene: 'moving' }));
  const a = await p.snapshot(80, 2000);
  t.ok(a, 'a frame arrives');
  const encoded = p.counters.framesEncoded;
  const b = await p.snapshot(80, 2000);
  t.equal(b!.id, a!.id, 'served from the cache');
  t.equal(p.counters.framesEncoded, encoded, 'no new encode');
});

t.test('the main-thread encoder (bench ablation) produces the same stream', async (t) => {
  const p = makePipeline({ encoder: 'main_thread' });
  t.teardown(() => p.close());
  let count = 0;
  p.onFrame(() => count++);
  await p.start(new SyntheticSource({ fps: 30, scene: 'moving' }));
  p.addDemand(80, +1);
  await sleep(600);
  t.equal(p.workers, 1);
  t.ok(count > 10, `${count} frames`);
});

t.test('encoded slots: tiers × (workers + 1) is enough for every tier with every worker busy', async (t) => {
  // An unlimited-rate camera keeps both workers busy, so two frames are in
  // flight at once, each encoding every tier in demand.
  const tiers = [30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95];
  const run = async (encodedSlots: number) => {
    const p = makePipeline({ encodedSlots });
    const perTier = new Map<number, number>();
    p.onFrame((f) => perTier.set(f.quality, (perTier.get(f.quality) ?? 0) + 1));
    await p.start(new SyntheticSource({ fps: 0, scene: 'moving' }));
    for (const q of tiers) p.addDemand(q, +1);
    await sleep(1500);
    for (const q of tiers) p.addDemand(q, -1);
    const exhausted = p.counters.slotsExhausted;
    await p.close();
    return { exhausted, perTier };
  };
  const enough = await run(encodedSlotsFor(tiers.length, 2));
  t.equal(enough.exhausted, 0, `no tier missed a frame for want of a slot (${encodedSlotsFor(tiers.length, 2)} slots)`);
  const counts = tiers.map((q) => enough.perTier.get(q) ?? 0);
  t.ok(Math.min(...counts) >= 5 && Math.max(...counts) - Math.min(...counts) <= 2, `every tier got every frame: ${counts.join(' ')}`);
  // The same load with fewer slots does run short: the check above can fail.
  const short = await run(tiers.length * 2);
  t.ok(short.exhausted > 0, `${tiers.length * 2} slots run short (${short.exhausted} encodes skipped)`);
});
