// Ground truth by frame id: bounded ring, overwritten by id modulo capacity.

import t from 'tap';
import { TruthHistory } from '../../../lib/capture/synthetic/truth-history.js';

t.test('records and returns frames; forgets the ones the ring has overwritten', async (t) => {
  const h = new TruthHistory({ capacity: 4 });
  for (let i = 10; i < 16; i++) {
    h.record(i, 1000 + i / 30, [
      { id: 1, class_name: 'car', bbox: [i, 2, 3, 4], visible: true },
      { id: 2, class_name: 'person', bbox: [5, 6, 7, 8], visible: i % 2 === 0 },
    ]);
  }
  t.equal(h.get(11), null, 'frame 11 overwritten by 15');
  const r = h.get(14)!;
  t.equal(r.frame_id, 14);
  t.equal(r.timestamp, 1000 + 14 / 30);
  t.same(r.targets, [
    { id: 1, class_name: 'car', bbox: [14, 2, 3, 4], visible: true },
    { id: 2, class_name: 'person', bbox: [5, 6, 7, 8], visible: true },
  ]);
  t.equal(h.get(15)!.targets[1].visible, false);
  t.equal(h.latest(), 15);
  t.equal(h.get(99), null);
  t.equal(h.get(-1), null);
  t.equal(h.get(1.5), null);
});

t.test('default capacity covers 12 s at 60 fps; bad input is refused', async (t) => {
  t.equal(new TruthHistory().capacity, 720);
  t.throws(() => new TruthHistory({ capacity: 0 }), /capacity/);
  t.throws(() => new TruthHistory().record(-3, 0, []), /frame id/);
  const h = new TruthHistory({ maxTargets: 1 });
  h.record(0, 0, [{ id: 1, class_name: 'car', bbox: [0, 0, 1, 1], visible: true }, { id: 2, class_name: 'person', bbox: [0, 0, 1, 1], visible: true }]);
  t.equal(h.get(0)!.targets.length, 1, 'targets beyond maxTargets are dropped');
});

t.test('shared across threads: a second view of the same memory reads what the first wrote', async (t) => {
  const writer = new TruthHistory({ capacity: 8 });
  const reader = new TruthHistory(writer.sab);
  reader.setNames([[1, 'car']]);
  writer.record(3, 42, [{ id: 1, class_name: 'car', bbox: [1, 2, 3, 4], visible: true }]);
  t.same(reader.get(3), { frame_id: 3, timestamp: 42, targets: [{ id: 1, class_name: 'car', bbox: [1, 2, 3, 4], visible: true }] });
  t.equal(reader.capacity, 8);
  t.equal(reader.latest(), 3);
});
