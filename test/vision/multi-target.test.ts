// MULTI_TARGET: stable ids across passes, selection, dropping unseen targets.

import t from 'tap';
import { MultiTargets } from '../../lib/vision/multi-target.js';
import type { Detection } from '../../lib/vision/types.js';

const d = (x: number, y: number, cls = 2, score = 0.8): Detection => ({ bbox: [x, y, 40, 20], class_id: cls, class_name: cls === 2 ? 'car' : 'person', score });

t.test('ids stay with moving targets; rows carry the original fields', async (t) => {
  const m = new MultiTargets();
  m.update([d(100, 100), d(300, 200, 0)]);
  const a = m.output(1, 10, 640, 480);
  t.equal(a.data_type, 'MULTI_TARGET');
  t.same(a.targets.map((x) => x.target_id), [1, 2]);
  m.update([d(305, 202, 0), d(106, 101)]);
  const b = m.output(1.5, 25, 640, 480);
  t.same(b.targets.map((x) => [x.target_id, x.class_name]).sort(), [[1, 'car'], [2, 'person']], 'same ids after moving');
  const car = b.targets.find((x) => x.target_id === 1)!;
  t.same(car.bbox, [106, 101, 40, 20]);
  t.ok(Math.abs(car.center[0] - (126 - 320) / 320) < 1e-12 && Math.abs(car.center[1] - (111 - 240) / 240) < 1e-12);
  t.equal(car.confidence, 0.8);
  t.equal(car.is_selected, false);
});

t.test('selection follows the target; unseen targets are dropped after 3 passes', async (t) => {
  const m = new MultiTargets();
  m.update([d(100, 100), d(400, 100)]);
  t.equal(m.select([402, 98, 40, 20]), 2);
  m.update([d(410, 104)]);
  let o = m.output(0, 0, 640, 480);
  t.same(o.targets.map((x) => [x.target_id, x.is_selected]), [[2, true]], 'unseen target 1 not listed this pass');
  t.equal(o.selected_target_id, 2);
  for (let i = 0; i < 3; i++) m.update([]);
  o = m.output(0, 0, 640, 480);
  t.same(o.targets, []);
  t.equal(o.tracking_active, false);
  m.update([]);
  t.equal(m.output(0, 0, 640, 480).selected_target_id, null, 'selection cleared with its target');
  t.equal(m.select([0, 0, 5, 5]), null);
});

t.test('at most 20 targets', async (t) => {
  const m = new MultiTargets();
  m.update(Array.from({ length: 30 }, (_, i) => d(i * 50, (i % 5) * 60)));
  t.equal(m.output(0, 0, 2000, 480).targets.length, 20);
});

t.test('a detection of another class at the same place is another target', async (t) => {
  const m = new MultiTargets();
  m.update([d(100, 100, 2)]);
  m.update([d(102, 100, 0)]);
  const o = m.output(0, 0, 640, 480);
  t.same(o.targets.map((x) => [x.target_id, x.class_name]), [[2, 'person']], 'the person gets id 2, not the car\'s 1');
});
