// createScene(): the counter scene unchanged behind the renderer interface,
// the aerial kinds with their truth, and the camera thread really rendering
// the configured aerial scene (frames compared byte for byte).

import t from 'tap';
import { createScene, SyntheticScene } from '../../../lib/capture/synthetic/scenes.js';
import { AerialScene } from '../../../lib/capture/synthetic/aerial-scene.js';
import { SyntheticSource } from '../../../lib/capture/synthetic-source.js';
import { RawRing } from '../../../lib/bus/raw-ring.js';

const W = 320;
const H = 240;

t.test('moving and static render exactly what SyntheticScene renders; truth is its target boxes', async (t) => {
  const old = new SyntheticScene(W, H);
  const a = new Uint8Array(W * H * 3);
  const b = new Uint8Array(W * H * 3);
  const moving = createScene('moving', W, H);
  for (const i of [0, 5, 77]) {
    old.render(i, a);
    const truth = moving.render(i, b);
    t.ok(Buffer.from(a).equals(Buffer.from(b)), `moving frame ${i} identical`);
    t.equal(truth.length, 2);
    t.ok(truth.every((x) => x.visible && x.bbox[2] > 0));
  }
  const still = createScene('static', W, H);
  old.render(9, a, true);
  t.equal(still.render(9, b).length, 0, 'static: no targets');
  t.ok(Buffer.from(a).equals(Buffer.from(b)), 'static identical');
  t.throws(() => moving.setPose({ north_m: 0, east_m: 0, alt_m: 20, yaw_deg: 0 }), /no camera pose/);
  t.doesNotThrow(() => moving.setPose(null));
  t.ok(createScene('aerial_fast', W, H) instanceof AerialScene);
  t.throws(() => createScene('bogus' as 'moving', W, H), /unknown scene "bogus"; valid: moving, static, aerial/);
});

t.test('the camera thread renders the configured aerial scene', async (t) => {
  const ring = RawRing.create({ slots: 4, width: W, height: H, slotBytes: W * H * 3 });
  // Someone wants frames (else the camera idles at one a second).
  ring.setDemand(true);
  const src = new SyntheticSource({ fps: 30, scene: 'aerial_occluded' });
  const seqs: number[] = [];
  await src.open(ring, { frame: (seq) => seqs.push(seq) });
  t.teardown(() => src.close());
  await new Promise((r) => setTimeout(r, 300));
  // Stopped, the ring keeps its last frames: nothing can overwrite the one compared.
  await src.close();
  t.ok(seqs.length >= 3, `${seqs.length} frames`);
  const seq = ring.latestSeq();
  const got = Buffer.from(ring.view(ring.slotOf(seq)));
  const want = new Uint8Array(W * H * 3);
  new AerialScene({ width: W, height: H, kind: 'aerial_occluded' }).render(seq, want);
  t.ok(got.equals(Buffer.from(want)), `frame ${seq} is the aerial_occluded scene's frame ${seq}`);
});
