// Turns scenario results into the derived figures (targets, ablation
// ratios, pool scaling), a terminal table and a markdown summary.

import { median, type ScenarioResult } from './run-scenario.js';
import { CONFIGS } from './scenarios.js';
import { describeMachine, type MachineInfo } from './machine.js';
import { roundsSpread, type RoundsSummary } from './rounds.js';
import type { WebRtcBenchResult } from './webrtc/report.js';
import type { TrackingBench } from './tracking/report.js';
import type { FollowBench } from './vehicle/follow-report.js';
import type { RestreamBench } from './restream/restream-bench.js';

export interface BenchRun {
  mode: 'full' | 'quick';
  started: string;
  duration_s: number;
  command: string;
  machine: MachineInfo;
  scenarios: ScenarioResult[];
  ablations: AblationRow[];
  throughput: { workers: number; encoded_fps: number; ratio_to_one: number; resolution: string }[];
  targets: TargetRow[];
  encode_settings: EncodeSettings | null;
  /** The WebRTC part (bench/webrtc), null when left out or failed. */
  webrtc?: WebRtcBenchResult | null;
  /** The tracking part (bench/tracking), null when left out or failed. */
  tracking?: TrackingBench | null;
  /** The follow part (bench/vehicle/follow-bench.ts), null when left out or failed. */
  follow?: FollowBench | null;
  /** The restream part (bench/restream), null when left out or failed. */
  restream?: RestreamBench | null;
  healthy: boolean;
}

/** bench/encode-settings.ts output: realtime JPEG settings against sharp's defaults. */
export interface EncodeSettings {
  width: number;
  height: number;
  quality: number;
  frames: number;
  realtime: { ms_per_encode: number; cpu_ms_per_encode: number; bytes: number };
  defaults: { ms_per_encode: number; cpu_ms_per_encode: number; bytes: number };
}

export interface AblationRow {
  clients: number;
  resolution: string;
  config: string;
  /** Ablation ÷ real (uWS + pool, MJPEG), same client count, same run. */
  cpu_per_frame_ratio: number;
  main_thread_per_frame_ratio: number;
  fps_median_ratio: number;
  latency_p99_ratio: number;
  /** Rounds behind the CPU ratios (median of the per-round ratios); 1 = a single run. */
  rounds: number;
}

export interface TargetRow {
  target: string;
  measured: string;
  met: boolean | null;
  note: string;
}

const f = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '–');

/**
 * a ÷ b for a figure. When both ran the same rounds, the ratio is taken
 * within each round (same machine load) and the median of those is kept;
 * otherwise it is the plain ratio of the two results.
 */
function pairedRatio(a: ScenarioResult, b: ScenarioResult, value: (r: ScenarioResult) => number, perRound: (x: RoundsSummary) => number[]): { ratio: number; rounds: number } {
  if (a.rounds && b.rounds && a.rounds.count === b.rounds.count) {
    const av = perRound(a.rounds);
    const bv = perRound(b.rounds);
    return { ratio: median(av.map((v, i) => v / bv[i])), rounds: a.rounds.count };
  }
  return { ratio: value(a) / value(b), rounds: 1 };
}

export function ablations(rs: ScenarioResult[]): AblationRow[] {
  const out: AblationRow[] = [];
  const fan = rs.filter((r) => r.group === 'fanout' || r.group === 'resolution');
  const same = (a: ScenarioResult, b: ScenarioResult) => a.group === b.group && a.clients === b.clients && a.width === b.width && a.height === b.height;
  for (const real of fan.filter((r) => r.config === CONFIGS.real)) {
    for (const a of fan.filter((r) => same(r, real) && r.config !== CONFIGS.real && r.config !== CONFIGS.realWs)) {
      const cpu = pairedRatio(a, real, (r) => r.cpu_us_per_frame, (x) => x.cpu_us_per_frame);
      const loop = pairedRatio(a, real, (r) => r.main_thread_us_per_frame, (x) => x.main_thread_us_per_frame);
      out.push({
        clients: real.clients, resolution: `${real.width}x${real.height}`, config: a.config,
        cpu_per_frame_ratio: cpu.ratio,
        main_thread_per_frame_ratio: loop.ratio,
        fps_median_ratio: a.delivered_fps.median / real.delivered_fps.median,
        latency_p99_ratio: a.latency_ms.p99 / real.latency_ms.p99,
        rounds: cpu.rounds,
      });
    }
  }
  return out;
}

export function throughput(rs: ScenarioResult[]): BenchRun['throughput'] {
  const t = rs.filter((r) => r.group === 'throughput').sort((a, b) => a.workers - b.workers);
  const one = t.find((r) => r.workers === 1);
  return t.map((r) => ({
    workers: r.workers, encoded_fps: r.encoded_fps, resolution: `${r.width}x${r.height}`,
    ratio_to_one: one ? pairedRatio(r, one, (x) => x.encoded_fps, (x) => x.encoded_fps).ratio : NaN,
  }));
}

const paren = (s: string) => (s ? ` (${s})` : '');

/** Per-round pool scaling, "3 rounds: 1.61× / 1.96× / 1.80×", when the throughput scenarios ran rounds. */
function throughputRounds(rs: ScenarioResult[], workers: number): string {
  const t = rs.filter((r) => r.group === 'throughput');
  const one = t.find((r) => r.workers === 1)?.rounds;
  const k = t.find((r) => r.workers === workers)?.rounds;
  if (!one || !k || one.count !== k.count) return '';
  return `${k.count} rounds: ${k.encoded_fps.map((v, i) => `${f(v / one.encoded_fps[i], 2)}×`).join(' / ')}`;
}

export function targets(rs: ScenarioResult[], tp: BenchRun['throughput']): TargetRow[] {
  const out: TargetRow[] = [];
  const m400 = rs.find((r) => r.id === 'mjpeg-400');
  if (m400) {
    out.push({ target: '400 MJPEG clients: every client ≥ 29 fps', measured: `min ${f(m400.delivered_fps.min)} fps` + (m400.rounds ? ` (median round of ${m400.rounds.count})` : ''), met: m400.delivered_fps.min >= 29, note: '' });
    out.push({
      target: '400 MJPEG clients: server CPU ≤ 20 µs per delivered frame', measured: `${f(m400.cpu_us_per_frame)} µs (event loop ${f(m400.main_thread_us_per_frame)} µs)` + paren(roundsSpread(m400, (x) => x.cpu_us_per_frame)),
      met: m400.cpu_us_per_frame <= 20, note: 'all threads: fan-out, encode, capture render',
    });
    out.push({ target: '400 MJPEG clients: server RSS ≤ 150 MB', measured: `peak ${f(m400.peak_rss_mb, 0)} MB`, met: m400.peak_rss_mb <= 150, note: '' });
    const plain = rs.find((r) => r.id === 'mjpeg-400-plainnode');
    if (plain) out.push({ target: 'reference: node:http + main-thread sharp ~32 µs/frame', measured: `${f(plain.cpu_us_per_frame)} µs` + paren(roundsSpread(plain, (x) => x.cpu_us_per_frame)), met: null, note: 'same run, same machine' });
  }
  const m50 = rs.find((r) => r.id === 'mjpeg-50');
  if (m50) out.push({ target: '50 MJPEG clients: capture→receive p99 ≤ 20 ms', measured: `p99 ${f(m50.latency_ms.p99)} ms (p50 ${f(m50.latency_ms.p50)})`, met: m50.latency_ms.p99 <= 20, note: '' });
  const best = tp.length > 1 ? tp[tp.length - 1] : null;
  if (best && best.resolution === '1920x1080') {
    out.push({ target: '1080p unlimited: pool throughput ≥ 1.6× one worker', measured: `${f(best.ratio_to_one, 2)}× (${best.workers} workers ${f(best.encoded_fps)} fps)` + paren(throughputRounds(rs, best.workers)), met: best.ratio_to_one >= 1.6, note: '' });
  }
  const pass = rs.find((r) => r.id === 'passthrough-720p-50');
  const reenc = rs.find((r) => r.id === 'reencode-720p-50');
  if (pass && reenc) {
    const ratio = pass.server_cpu_pct / reenc.server_cpu_pct;
    out.push({
      target: 'MJPEG passthrough 720p@30, 50 clients: ≤ 1/3 the server CPU of decode + re-encode',
      measured: `${f(pass.server_cpu_pct, 1)} % vs ${f(reenc.server_cpu_pct, 1)} % (${f(ratio, 2)}×)`, met: ratio <= 1 / 3, note: 'emulated V4L2 camera',
    });
  }
  const mixed = rs.find((r) => r.id === 'mixed-50');
  if (mixed?.rest) {
    out.push({
      target: 'GET /status ≥ 30,000 req/s (wrk -c50) while 50 clients stream', measured: `${f(mixed.rest.requests_per_sec, 0)} req/s (${mixed.rest.tool})`,
      met: mixed.rest.tool.startsWith('wrk') ? mixed.rest.requests_per_sec >= 30000 : null,
      note: mixed.rest.tool.startsWith('wrk') ? '' : 'wrk not installed: the built-in loop is the bottleneck, not comparable',
    });
  }
  return out;
}

const COLS = ['scenario', 'cl', 'fps min/med', 'lat p50/p99 ms', 'CPU %', 'µs/frame (loop)', 'RSS MB', 'enc ms p50/p99', 'enc fps', 'skip id/stale', 'dropped', 'KB/fr', 'loadgen %', 'ok'];

function row(r: ScenarioResult): string[] {
  const lg = r.loadgen.cpu_pct.map((c) => c.toFixed(0)).join('+') + (r.loadgen.saturated ? '!' : '');
  return [
    r.id, String(r.clients), `${f(r.delivered_fps.min)}/${f(r.delivered_fps.median)}`,
    `${f(r.latency_ms.p50)}/${f(r.latency_ms.p99)}`, f(r.server_cpu_pct, 0),
    r.group === 'throughput' ? `${f(r.cpu_us_per_encode, 0)}/enc` : `${f(r.cpu_us_per_frame)} (${f(r.main_thread_us_per_frame)})`,
    f(r.peak_rss_mb, 0), `${f(r.encode_ms_p50)}/${f(r.encode_ms_p99)}`, f(r.encoded_fps),
    `${r.identical_skipped}/${r.stale_skipped}`, String(r.server_frames_dropped), f(r.bytes_per_frame / 1024),
    lg, r.health.ok ? 'yes' : 'NO',
  ];
}

export function terminalTable(rs: ScenarioResult[]): string {
  const rows = [COLS, ...rs.map(row)];
  const w = COLS.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r, j) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ') + (j === 0 ? '\n' + w.map((n) => '-'.repeat(n)).join('  ') : '')).join('\n');
}

export function markdown(run: BenchRun, chartPath: string | null): string {
  const L: string[] = [];
  if (run.mode === 'quick') {
    L.push('> **SMOKE RUN (`npm run bench -- --quick`)**: short windows and few clients, to check that the harness works. These are not benchmark figures.', '');
  }
  L.push(`Machine: ${describeMachine(run.machine)}; load average ${f(run.machine.loadavg_at_start, 2)} at start. Run ${run.started}, ${f(run.duration_s, 0)} s, \`${run.command}\`.`, '');
  if (chartPath) L.push(`![delivered fps and CPU µs per frame against clients](${chartPath})`, '');
  if (run.targets.length) {
    L.push('| Target | Measured | Met |', '|---|---|---|');
    for (const t of run.targets) L.push(`| ${t.target} | ${t.measured} | ${t.met === null ? '–' : t.met ? 'yes' : '**no**'}${t.note ? ` (${t.note})` : ''} |`);
    L.push('');
  }
  L.push('| ' + COLS.join(' | ') + ' |', '|' + COLS.map((_, i) => (i === 0 ? '---' : '---:')).join('|') + '|');
  for (const r of run.scenarios) L.push('| ' + row(r).join(' | ') + ' |');
  L.push('');
  L.push(
    'fps: delivered per client (min/median over clients) in the measurement window; lat: capture (X-Timestamp) → last byte received; ' +
      'CPU %: server process, all threads, of one core; µs/frame: server CPU per delivered frame, all threads (event-loop thread alone in brackets); ' +
      'throughput rows give CPU µs per encode instead; skip id/stale: identical frames skipped and stale frames replaced by newer ones; ' +
      'dropped: frames a busy client skipped; loadgen %: CPU of each load-generator process (! = saturated, event loop > 90 % busy).',
    '',
  );
  const repeated = run.scenarios.filter((r) => r.rounds);
  if (repeated.length) {
    L.push(`Repeated scenarios: each ran ${repeated[0].rounds!.count} rounds, all configurations back to back within a round; the rows above show the median round (by CPU µs per delivered frame; by encoded fps for throughput). Every round:`, '');
    L.push('| scenario | CPU µs per delivered frame (per encode for throughput) | event-loop µs/frame | encoded fps | median round |', '|---|---|---|---|---:|');
    for (const r of repeated) {
      const x = r.rounds!;
      const list = (v: number[] | undefined, d = 1) => (v ? v.map((n) => f(n, d)).join(' / ') : '–');
      const tp = r.group === 'throughput';
      L.push(`| ${r.id} | ${tp ? list(x.cpu_us_per_encode, 0) : list(x.cpu_us_per_frame)} | ${tp ? '–' : list(x.main_thread_us_per_frame)} | ${list(x.encoded_fps)} | ${x.picked + 1} |`);
    }
    L.push('');
  }
  if (run.ablations.length) {
    L.push('Ablations, as ratios to uWS + pool (MJPEG) at the same client count, same run (> 1: the ablation costs more). Where the scenarios ran several rounds, the CPU ratios are the median of the per-round ratios:', '');
    L.push('| clients | resolution | configuration | CPU µs/frame | event-loop µs/frame | median fps | latency p99 |', '|---:|---|---|---:|---:|---:|---:|');
    for (const a of run.ablations) L.push(`| ${a.clients} | ${a.resolution} | ${a.config} | ${f(a.cpu_per_frame_ratio, 2)}× | ${f(a.main_thread_per_frame_ratio, 2)}× | ${f(a.fps_median_ratio, 2)}× | ${f(a.latency_p99_ratio, 2)}× |`);
    L.push('');
  }
  if (run.throughput.length) {
    L.push('Encode throughput at unlimited capture rate (one client connected):', '');
    L.push('| resolution | workers | encoded fps | × one worker | captured fps | torn | out of order | server CPU µs per encode |', '|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const t of run.throughput) {
      const r = run.scenarios.find((x) => x.group === 'throughput' && x.workers === t.workers && `${x.width}x${x.height}` === t.resolution)!;
      L.push(`| ${t.resolution} | ${t.workers} | ${f(t.encoded_fps)} | ${f(t.ratio_to_one, 2)}× | ${f(r.capture_fps)} | ${r.torn} | ${r.out_of_order} | ${f(r.cpu_us_per_encode, 0)} |`);
    }
    L.push('');
  }
  const e = run.encode_settings;
  if (e) {
    L.push(
      `Encode settings (${e.width}x${e.height} q${e.quality}, synthetic scene, one libvips thread, ${e.frames} frames each): ` +
        `realtime (baseline, 4:2:0, no Huffman optimisation) ${f(e.realtime.ms_per_encode, 2)} ms and ${f(e.realtime.bytes / 1024)} KB per frame; ` +
        `sharp's defaults ${f(e.defaults.ms_per_encode, 2)} ms and ${f(e.defaults.bytes / 1024)} KB: ${f(e.defaults.cpu_ms_per_encode / e.realtime.cpu_ms_per_encode, 2)}× the CPU.`,
      '',
    );
  }
  const mixed = run.scenarios.filter((r) => r.rest);
  for (const m of mixed) {
    const r = m.rest!;
    L.push(`Mixed (${m.id}): ${m.clients} streams at min ${f(m.delivered_fps.min)} fps while ${r.tool} with ${r.connections} connections got ${f(r.requests_per_sec, 0)} req/s from GET /status, latency p50 ${f(r.p50_ms, 2)} ms, p99 ${f(r.p99_ms, 2)} ms${r.loadgen_saturated ? ' (the built-in loop saturated its core: a floor, not the server\'s limit)' : ''}.`, '');
  }
  for (const m of run.scenarios.filter((r) => r.slow)) {
    // The same client count with every client reading is the reference for "RSS stays flat".
    const ref = run.scenarios.find((r) => r.group === 'fanout' && r.transport === m.transport && r.clients === m.clients && r.config === m.config);
    L.push(
      `Slow clients (${m.id}): ${m.slow} clients stopped reading for ${f(m.window_s, 0)} s; the ${m.clients - m.slow} others kept min ${f(m.delivered_fps.min)} fps; ` +
        `the stalled ones got ${m.slow_clients?.frames_max ?? 0} frames at most and the server dropped ${m.server_frames_dropped} for them. ` +
        `RSS ${f(m.rss_window_start_mb, 1)} → ${f(m.rss_window_end_mb, 1)} MB, peak ${f(m.peak_rss_mb, 1)} MB` +
        (ref ? ` (${ref.id}, all reading: peak ${f(ref.peak_rss_mb, 1)} MB)` : '') +
        `, least-squares trend ${f(m.rss_slope_mb_per_min, 1)} MB/min (GC makes RSS a sawtooth of tens of MB).`,
      '',
    );
  }
  const sat = run.scenarios.filter((r) => r.loadgen.saturated);
  if (sat.length) L.push(`Load generator saturated in: ${sat.map((r) => r.id).join(', ')}: those figures may be held back by the client side.`, '');
  const bad = run.scenarios.filter((r) => !r.health.ok);
  for (const r of bad) L.push(`Harness problem in ${r.id}: ${r.health.problems.join('; ')}`, '');
  return L.join('\n');
}
