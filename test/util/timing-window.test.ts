import t from 'tap';
import { TimingWindow } from '../../lib/util/timing-window.js';

t.test('percentiles over a bounded window', async (t) => {
  const w = new TimingWindow(100);
  t.equal(w.percentile(50), 0, 'empty window reads 0');
  for (let i = 1; i <= 100; i++) w.add(i);
  t.equal(w.percentile(50), 50);
  t.equal(w.percentile(99), 99);
  for (let i = 0; i < 100; i++) w.add(1000);
  t.equal(w.count, 100, 'old samples fall out');
  t.equal(w.percentile(50), 1000);
});
