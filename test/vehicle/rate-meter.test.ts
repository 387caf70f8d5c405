import t from 'tap';
import { RateMeter } from '../../lib/vehicle/rate-meter.js';

t.test('events per second over the window', async (t) => {
  const m = new RateMeter(64, 2000);
  t.equal(m.rate(0), 0, 'nothing yet');
  for (let k = 0; k <= 60; k++) m.mark(k * 50);
  t.equal(m.rate(3000), 20, '20 Hz over the last 2 s');
  t.equal(m.rate(5001), 0, 'nothing for longer than the window');
  for (let k = 0; k < 10; k++) m.mark(6000 + k * 100);
  t.equal(m.rate(7000), 10, 'only the events inside the window count');
  m.reset();
  t.equal(m.rate(7000), 0);
});
