import t from 'tap';
import { Worker } from 'node:worker_threads';
import { RawRing, PixelFormat } from '../../lib/bus/raw-ring.js';

t.test('publishes sequence numbers and overwrites the oldest slot', async (t) => {
  const ring = RawRing.create({ slots: 3, width: 4, height: 2, slotBytes: 24 });
  t.equal(ring.latestSeq(), -1);
  for (let seq = 0; seq < 5; seq++) {
    const v = ring.beginWrite(seq);
    t.equal(ring.slotSeq(seq % 3), -1, 'a slot being written reads as -1 (seqlock)');
    v.fill(seq);
    ring.commitWrite(seq, 24, PixelFormat.RGB24, 1000 + seq);
  }
  t.equal(ring.latestSeq(), 4);
  t.same([0, 1, 2].map((s) => ring.slotSeq(s)), [3, 4, 2], 'seq 3 and 4 overwrote slots 0 and 1');
  t.equal(ring.view(1)[0], 4);
  t.equal(ring.captureTime(1), 1004);
});

t.test('another thread sees the same ring', async (t) => {
  const ring = RawRing.create({ slots: 4, width: 2, height: 2, slotBytes: 12 });
  const url = new URL('../../lib/bus/raw-ring.js', import.meta.url).href;
  const w = new Worker(
    `import('${url}').then(({ RawRing }) => {
       const { workerData, parentPort } = require('node:worker_threads');
       const r = RawRing.attach(workerData);
       const v = r.beginWrite(7); v.fill(9); r.commitWrite(7, 12, 0, 42);
       parentPort.postMessage('done');
     });`,
    { eval: true, workerData: ring.sab },
  );
  await new Promise((r) => w.once('message', r));
  await w.terminate();
  t.equal(ring.latestSeq(), 7);
  t.equal(ring.view(3)[5], 9);
  t.equal(ring.captureTime(3), 42);
});

t.test('refuses a buffer that is not a ring', async (t) => {
  t.throws(() => RawRing.attach(new SharedArrayBuffer(4096)), /magic/);
});
