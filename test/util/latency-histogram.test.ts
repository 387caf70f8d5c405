import t from 'tap';
import { ENCODE_MS_BUCKETS, LatencyHistogram, TRACKER_MS_BUCKETS } from '../../lib/util/latency-histogram.js';

t.test('observations land in the first bucket whose bound they do not exceed; cumulative counts', async (t) => {
  const h = new LatencyHistogram([1, 5, 10]);
  for (const v of [0, 1, 1.01, 5, 7, 10, 11, 500]) h.observe(v);
  t.same([0, 1, 2, 3].map((i) => h.cumulative(i)), [2, 4, 6, 8], 'le=1: 0 and 1; le=5: +1.01, 5; le=10: +7, 10; +Inf: all');
  t.equal(h.count, 8);
  t.equal(h.sum, 0 + 1 + 1.01 + 5 + 7 + 10 + 11 + 500);
});

t.test('NaN and negative durations are ignored, not counted', async (t) => {
  const h = new LatencyHistogram([1]);
  h.observe(NaN);
  h.observe(-3);
  t.equal(h.count, 0);
  t.equal(h.sum, 0);
  t.equal(h.cumulative(1), 0);
});

t.test('bounds must ascend strictly and be finite', async (t) => {
  t.throws(() => new LatencyHistogram([1, 1]), RangeError);
  t.throws(() => new LatencyHistogram([2, 1]), RangeError);
  t.throws(() => new LatencyHistogram([1, Infinity]), RangeError);
  t.doesNotThrow(() => new LatencyHistogram(ENCODE_MS_BUCKETS));
  t.doesNotThrow(() => new LatencyHistogram(TRACKER_MS_BUCKETS));
});
