import t from 'tap';
import { PacketSlab } from '../../../lib/stream/restream/packet-slab.js';

t.test('slots are handed out as a ring and released oldest first with their lengths', async (t) => {
  const slab = new PacketSlab(4, 100);
  t.equal(slab.buf.length, 400);
  t.ok(slab.reserve(3));
  const offsets: number[] = [];
  for (const len of [10, 20, 30]) {
    offsets.push(slab.nextSlot());
    slab.commit(len);
  }
  t.same(offsets, [0, 100, 200]);
  t.equal(slab.inFlight, 3);
  t.equal(slab.free, 1);
  t.notOk(slab.reserve(2), 'not enough room: nothing is claimed');
  t.equal(slab.free, 1);
  t.equal(slab.release(), 10);
  t.equal(slab.release(), 20);
  t.ok(slab.reserve(3));
  for (const len of [40, 50, 60]) {
    offsets.push(slab.nextSlot());
    slab.commit(len);
  }
  t.same(offsets.slice(3), [300, 0, 100], 'wraps around');
  t.same([slab.release(), slab.release(), slab.release(), slab.release()], [30, 40, 50, 60]);
  t.equal(slab.inFlight, 0);
  t.equal(slab.free, 4);
});

t.test('bad sizes throw', async (t) => {
  t.throws(() => new PacketSlab(0, 100));
  t.throws(() => new PacketSlab(4, 70000));
});
