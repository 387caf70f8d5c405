import t from 'tap';
import { LineBudget } from '../../lib/util/line-budget.js';

t.test('at most N lines per window; the refused ones are reported with the next line written', async (t) => {
  const b = new LineBudget(3, 1000);
  const taken = [0, 1, 2, 3, 4, 5].map((i) => b.take(100 + i).ok);
  t.same(taken, [true, true, true, false, false, false], 'three per window');
  t.same(b.take(1099), { ok: false, droppedBefore: 0 }, 'still the same window');
  t.same(b.take(1100), { ok: true, droppedBefore: 4 }, 'a new window: the first line carries the 4 refused');
  t.same(b.take(1101), { ok: true, droppedBefore: 0 }, 'reported once');
});
