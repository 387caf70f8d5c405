import t from 'tap';
import { LatencyHistogram } from '../../bench/histogram.js';
import { chartSvg } from '../../bench/svg-chart.js';
import { ablations, targets, throughput } from '../../bench/report.js';
import { benchResult as result } from '../helpers/bench-result.js';
import { CONFIGS } from '../../bench/scenarios.js';

t.test('histogram percentiles and merging', async (t) => {
  const a = new LatencyHistogram();
  const b = new LatencyHistogram();
  for (let i = 1; i <= 100; i++) (i % 2 ? a : b).add(i);
  a.merge(b.toSparse());
  t.equal(a.count, 100);
  t.ok(Math.abs(a.percentile(50) - 50) <= 0.11, `p50 ${a.percentile(50)}`);
  t.ok(Math.abs(a.percentile(99) - 99) <= 0.11, `p99 ${a.percentile(99)}`);
  a.add(-1);
  t.equal(a.negative, 1, 'negative samples are counted, not hidden');
  a.add(5000);
  t.equal(a.percentile(100), 5000, 'overflow bin reports the max');
});


t.test('ablation ratios, pool scaling and targets come from the results', async (t) => {
  const rs = [
    result({ id: 'mjpeg-400', clients: 400, cpu_us_per_frame: 18, peak_rss_mb: 140, delivered_fps: { min: 29.5, median: 30, mean: 30 } }),
    result({ id: 'mjpeg-400-nodehttp', clients: 400, config: CONFIGS.ablationB, cpu_us_per_frame: 36 }),
    result({ id: 'mjpeg-50', clients: 50, latency_ms: { p50: 4, p99: 25, max: 30, samples: 1 } }),
    result({ id: 'throughput-1080p-w1', group: 'throughput', config: '1 worker', workers: 1, width: 1920, height: 1080, encoded_fps: 20 }),
    result({ id: 'throughput-1080p-w2', group: 'throughput', config: '2 workers', workers: 2, width: 1920, height: 1080, encoded_fps: 34 }),
  ];
  const ab = ablations(rs);
  t.equal(ab.length, 1);
  t.equal(ab[0].cpu_per_frame_ratio, 2);
  const tp = throughput(rs);
  t.equal(tp[1].ratio_to_one, 1.7);
  const tg = targets(rs, tp);
  const met = Object.fromEntries(tg.map((x) => [x.target, x.met]));
  t.equal(met['400 MJPEG clients: server CPU ≤ 20 µs per delivered frame'], true);
  t.equal(met['50 MJPEG clients: capture→receive p99 ≤ 20 ms'], false);
  t.equal(met['1080p unlimited: pool throughput ≥ 1.6× one worker'], true);
});

t.test('the chart has one line per configuration and the target lines', async (t) => {
  const rs = [1, 50, 400].flatMap((n) => [
    result({ clients: n, cpu_us_per_frame: 1000 / n + 15 }),
    result({ clients: n, config: CONFIGS.ablationB, cpu_us_per_frame: 1000 / n + 30 }),
  ]);
  const svg = chartSvg(rs, { title: 'T <&>', subtitle: 's' });
  t.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  t.ok(svg.trimEnd().endsWith('</svg>'));
  t.equal((svg.match(/<polyline/g) ?? []).length, 4, 'two configurations × two panels');
  t.match(svg, /T &lt;&amp;&gt;/, 'text is escaped');
  t.match(svg, /target ≥ 29/);
  t.match(svg, /target ≤ 20/);
  t.notMatch(svg, /NaN/);
});
