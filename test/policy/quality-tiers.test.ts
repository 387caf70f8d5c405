import t from 'tap';
import { AdaptiveQuality, tierOf, tierCount, stepDown, stepUp, type QualityPolicy } from '../../lib/policy/quality-tiers.js';

const p: QualityPolicy = { min: 30, max: 95, step: 5, downMs: 1000, upMs: 5000 };

t.test('requested qualities round to tiers within bounds', async (t) => {
  t.equal(tierOf(85, p), 85);
  t.equal(tierOf(87, p), 85);
  t.equal(tierOf(88, p), 90);
  t.equal(tierOf(10, p), 30);
  t.equal(tierOf(100, p), 95);
  t.equal(stepDown(30, p), 30);
  t.equal(stepDown(85, p), 80);
  t.equal(stepUp(80, 85, p), 85);
  t.equal(stepUp(85, 85, p), 85, 'never above the requested quality');
});

t.test('drops step down at most once per adapt_down_ms; keeping up steps back up', async (t) => {
  const a = new AdaptiveQuality(85, p, 0);
  t.equal(a.onDrop(500), 85, 'no change within adapt_down_ms of the start');
  t.equal(a.onDrop(1000), 80, 'first step down');
  t.equal(a.onDrop(1500), 80, 'rate-limited');
  t.equal(a.onDrop(2000), 75);
  t.equal(a.onSent(6000), 75, 'needs adapt_up_ms without a drop');
  t.equal(a.onSent(7000), 80, 'steps up after 5 s clean');
  t.equal(a.onSent(8000), 80, 'at most once per adapt_up_ms');
  t.equal(a.onSent(12000), 85);
  t.equal(a.onSent(30000), 85, 'capped at the requested quality');
  for (let ms = 13000; ms < 40000; ms += 1000) a.onDrop(ms);
  t.equal(a.tier, 30, 'floors at min_quality');
  a.request(60, 40000);
  t.equal(a.tier, 60, 'a new request applies at once');
});

t.test('tierCount counts every quality tierOf can return', async (t) => {
  for (const [min, max, step] of [[30, 95, 5], [30, 95, 7], [30, 90, 5], [50, 50, 5], [1, 100, 1], [10, 100, 45], [20, 21, 50]]) {
    const pol: QualityPolicy = { min, max, step, downMs: 1, upMs: 1 };
    const seen = new Set<number>();
    for (let q = 1; q <= 100; q++) seen.add(tierOf(q, pol));
    t.equal(tierCount(pol), seen.size, `min ${min} max ${max} step ${step}: ${[...seen].join(',')}`);
  }
});
