import t from 'tap';
import { mergeRounds } from '../../bench/rounds.js';
import { plan, CONFIGS } from '../../bench/scenarios.js';
import { ablations, throughput, targets, markdown, type BenchRun } from '../../bench/report.js';
import { benchResult as result } from '../helpers/bench-result.js';

t.test('plan: the headline scenarios run in interleaved rounds, the rest once', async (t) => {
  const full = plan({ quick: false, rounds: 3 });
  const ids = full.map((s) => s.id);
  t.equal(ids.filter((id) => id === 'mjpeg-400').length, 3);
  t.equal(ids.filter((id) => id === 'mjpeg-400-plainnode').length, 3);
  t.equal(ids.filter((id) => id === 'throughput-1080p-w1').length, 3);
  t.equal(ids.filter((id) => id === 'mjpeg-50').length, 1);
  t.notOk(full.find((s) => s.id === 'mjpeg-50')!.round, 'a single run carries no round');
  // Each round is a full block of configurations, not one scenario repeated back to back.
  const m400 = full.flatMap((s, i) => (s.id === 'mjpeg-400' ? [i] : []));
  t.same(m400.map((i) => full[i].round), [1, 2, 3]);
  t.equal(full[m400[0] + 1].id, 'ws-400', 'round 1 runs the next configuration before round 2 starts');
  t.equal(plan({ quick: false }).filter((s) => s.id === 'mjpeg-400').length, 3, 'three rounds by default');
  t.equal(plan({ quick: true }).filter((s) => s.round).length, 0, 'the smoke check runs everything once');
  t.equal(plan({ quick: false, rounds: 1 }).filter((s) => s.round).length, 0);
});

t.test('mergeRounds keeps the median round and lists all of them', async (t) => {
  const merged = mergeRounds([
    result({ id: 'mjpeg-400', cpu_us_per_frame: 30, peak_rss_mb: 1 }),
    result({ id: 'mjpeg-50', cpu_us_per_frame: 99 }),
    result({ id: 'mjpeg-400', cpu_us_per_frame: 24, peak_rss_mb: 2 }),
    result({ id: 'mjpeg-400', cpu_us_per_frame: 27, peak_rss_mb: 3 }),
  ]);
  t.same(merged.map((r) => r.id), ['mjpeg-400', 'mjpeg-50'], 'first-appearance order');
  t.equal(merged[0].cpu_us_per_frame, 27);
  t.equal(merged[0].peak_rss_mb, 3, 'every field comes from the median round, none is averaged');
  t.same(merged[0].rounds!.cpu_us_per_frame, [30, 24, 27]);
  t.equal(merged[0].rounds!.picked, 2);
  t.notOk(merged[1].rounds);
  const even = mergeRounds([result({ id: 'a', cpu_us_per_frame: 4 }), result({ id: 'a', cpu_us_per_frame: 2 })]);
  t.equal(even[0].cpu_us_per_frame, 2, 'an even count keeps the lower middle, a real run');
  const tp = mergeRounds([10, 30, 20].map((v) => result({ id: 'throughput-1080p-w1', group: 'throughput', encoded_fps: v, cpu_us_per_frame: 100 - v })));
  t.equal(tp[0].encoded_fps, 20, 'throughput rounds are ranked by encode rate');
});

t.test('ratios of repeated scenarios are paired within each round', async (t) => {
  // Round 2 ran on a loaded machine: both configurations cost more, the ratio barely moves.
  const runs = [
    result({ id: 'mjpeg-400', clients: 400, cpu_us_per_frame: 20 }),
    result({ id: 'mjpeg-400-plainnode', clients: 400, config: CONFIGS.plainNode, cpu_us_per_frame: 24 }),
    result({ id: 'mjpeg-400', clients: 400, cpu_us_per_frame: 30 }),
    result({ id: 'mjpeg-400-plainnode', clients: 400, config: CONFIGS.plainNode, cpu_us_per_frame: 33 }),
    result({ id: 'mjpeg-400', clients: 400, cpu_us_per_frame: 22 }),
    result({ id: 'mjpeg-400-plainnode', clients: 400, config: CONFIGS.plainNode, cpu_us_per_frame: 27.5 }),
    ...[1, 2].flatMap((w) => [100, 90, 110].map((fps) => result({ id: `throughput-1080p-w${w}`, group: 'throughput', workers: w, width: 1920, height: 1080, encoded_fps: fps * (w === 1 ? 1 : 1.8) }))),
  ];
  const rs = mergeRounds(runs);
  const ab = ablations(rs);
  t.equal(ab.length, 1);
  t.equal(ab[0].rounds, 3);
  // Per-round ratios 1.2, 1.1, 1.25: median 1.2. The ratio of the median rounds would be 24/22.
  t.ok(Math.abs(ab[0].cpu_per_frame_ratio - 1.2) < 1e-9, `ratio ${ab[0].cpu_per_frame_ratio}`);
  const tp = throughput(rs);
  t.ok(Math.abs(tp[1].ratio_to_one - 1.8) < 1e-9, `pool scaling ${tp[1].ratio_to_one}`);
  const tg = targets(rs, tp);
  const cpu = tg.find((x) => x.target.includes('CPU ≤ 20 µs'))!;
  t.match(cpu.measured, /^22\.0 µs .*3 rounds: 20\.0 \/ 30\.0 \/ 22\.0/);
  t.match(tg.find((x) => x.target.includes('1.6×'))!.measured, /3 rounds: 1\.80× \/ 1\.80× \/ 1\.80×/);
  const run: BenchRun = { mode: 'full', started: 'now', duration_s: 1, command: 'npm run bench', machine: { nproc: 2, cpu_model: 'x', mem_gb: 1, node: 'v20', kernel: 'k', loadavg_at_start: 0 }, scenarios: rs, ablations: ab, throughput: tp, targets: tg, encode_settings: null, healthy: true };
  const md = markdown(run, null);
  t.match(md, /\| mjpeg-400 \| 20\.0 \/ 30\.0 \/ 22\.0 \|/, 'the markdown lists every round');
});
