// The JPEG pipeline on the frame bus, in-process: newest frame wins,
// encoding only while someone watches, each tier once per frame, snapshots
// from the cache within the TTL, and the encoded-slot sizing rule.

import t from 'tap';
import sharp from 'sharp';
import type { EncodedFrame } from '../../lib/encode/encoded-frame.js';
import { encodedSlotsFor } from '../../lib/policy/encoded-slots.js';
import { startRig } from '../helpers/jpeg-rig.js';
import { waitFor } from '../helpers/wait.js';

t.test('encodes only while someone watches, each quality once per frame', async (t) => {
  const rig = await startRig();
  t.teardown(() => rig.close());
  const { jpeg } = rig;
  const frames: EncodedFrame[] = [];
  jpeg.onFrame((f) => frames.push(f));
  await waitFor(() => jpeg.subscription.counters.idleSkipped > 0, 'a frame offered to nobody');
  t.equal(jpeg.counters.framesEncoded, 0, 'nothing encoded without demand');
  jpeg.addDemand(80, +1);
  jpeg.addDemand(40, +1);
  await waitFor(() => frames.filter((f) => f.quality === 80).length >= 12, '12 frames at q80');
  jpeg.addDemand(80, -1);
  jpeg.addDemand(40, -1);
  const at80 = frames.filter((f) => f.quality === 80);
  const at40 = frames.filter((f) => f.quality === 40);
  t.ok(Math.abs(at80.length - at40.length) <= 2, `${at80.length} frames at q80, ${at40.length} at q40`);
  t.equal(jpeg.counters.encodes, jpeg.counters.framesEncoded * 2, 'two encodes per frame, one per quality');
  const f = at80[at80.length - 1];
  const head = Buffer.from(f.part.subarray(0, f.part.length - f.length - 2)).toString('latin1');
  t.match(head, new RegExp(`^--frame\\r\\nContent-Type: image/jpeg\\r\\nContent-Length: ${f.length}\\r\\nX-Timestamp: \\d+\\.\\d{6}\\r\\nX-Frame-Id: ${f.id}\\r\\n\\r\\n$`));
  t.match(await sharp(Buffer.from(f.jpeg)).metadata(), { width: 320, height: 240, format: 'jpeg' });
  const ids = at80.map((x) => x.id);
  t.ok(ids.every((id, i) => i === 0 || id > ids[i - 1]), 'never goes backwards');
  // No demand left: the camera idles and frames are offered to no encoder.
  const idle = jpeg.subscription.counters.idleSkipped;
  await waitFor(() => jpeg.subscription.counters.idleSkipped > idle, 'frames skipped again once nobody watches');
  t.notOk(rig.bus.ring.demanded(), 'capture is told nobody wants frames');
});

t.test('snapshot without streamers encodes on demand; then serves the cache within the TTL', async (t) => {
  const rig = await startRig({ cacheTtlMs: 10_000 });
  t.teardown(() => rig.close());
  const a = await rig.jpeg.snapshot(80, 5000);
  t.ok(a, 'a frame arrives');
  const encoded = rig.jpeg.counters.framesEncoded;
  const b = await rig.jpeg.snapshot(80, 5000);
  t.equal(b!.id, a!.id, 'served from the cache');
  t.equal(rig.jpeg.counters.framesEncoded, encoded, 'no new encode');
});

t.test('the main-thread encoder (bench ablation) produces the same stream', async (t) => {
  const rig = await startRig({ encoder: 'inline' });
  t.teardown(() => rig.close());
  let count = 0;
  rig.jpeg.onFrame(() => count++);
  rig.jpeg.addDemand(80, +1);
  await waitFor(() => count > 10, '10 frames from the inline encoder');
  t.equal(rig.jpeg.workers, 1);
});

t.test('encoded slots: tiers × (workers + 1) is enough for every tier with every worker busy', async (t) => {
  // An unlimited-rate camera keeps both workers busy, so two frames are in
  // flight at once, each encoding every tier in demand.
  const tiers = [30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95];
  const run = async (encodedSlots: number) => {
    const rig = await startRig({ encodedSlots, fps: 0 });
    const perTier = new Map<number, number>();
    rig.jpeg.onFrame((f) => perTier.set(f.quality, (perTier.get(f.quality) ?? 0) + 1));
    for (const q of tiers) rig.jpeg.addDemand(q, +1);
    await waitFor(() => rig.jpeg.counters.framesEncoded >= 12 || rig.jpeg.counters.slotsExhausted > 20, '12 frames encoded at every tier');
    for (const q of tiers) rig.jpeg.addDemand(q, -1);
    const exhausted = rig.jpeg.counters.slotsExhausted;
    await rig.close();
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
