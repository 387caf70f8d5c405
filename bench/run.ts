#!/usr/bin/env node
// `npm run bench [-- options]`: runs the scenarios (bench/scenarios.ts)
// against the real server in its own process, prints a progress line per
// scenario and a final table, then the WebRTC part (bench/webrtc), the
// tracking part (bench/tracking) and the follow part (bench/vehicle/follow-*:
// the closed loop with video), and writes bench/results/<timestamp>.{json,md,svg}
// plus the README section. `--quick` is the CI smoke check: a few short
// scenarios, results in a temp folder, exit 1 when the harness itself fails
// (never on a timing).

import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync, copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { plan } from './scenarios.js';
import { runScenario, type ScenarioResult } from './run-scenario.js';

/** Retries of a scenario whose load generator saturated stop at this many processes. */
const MAX_RETRY_PROCESSES = 16;
import { machineInfo, describeMachine } from './machine.js';
import { ablations, throughput, targets, terminalTable, markdown, type BenchRun, type EncodeSettings } from './report.js';
import { chartSvg } from './svg-chart.js';
import { mergeRounds } from './rounds.js';
import { updateReadme } from './readme-section.js';
import { topSelfTime } from './cpuprofile-top.js';
import { renderMarkdown as webrtcMarkdown, renderSvg as webrtcSvg, webrtcTargets, type WebRtcBenchResult } from './webrtc/report.js';
import { DEFAULT_KBPS, runWebRtcBench } from './webrtc/webrtc-bench.js';
import { markdown as trackingMarkdown, trackingTargets, type TrackingBench } from './tracking/report.js';
import { runTrackingBench } from './tracking/tracking-bench.js';
import { markdown as followMarkdown, followTargets, type FollowBench } from './vehicle/follow-report.js';
import { runFollowBench } from './vehicle/follow-bench.js';
import { restreamMarkdown, restreamTargets, runRestreamBench, type RestreamBench } from './restream/restream-bench.js';
import { numberFlag, parseFlags } from './flags.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Args {
  quick: boolean;
  only?: RegExp;
  measureMs?: number;
  warmupMs?: number;
  out?: string;
  readme: boolean;
  profile: boolean;
  rounds?: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { quick: false, readme: true, profile: false };
  parseFlags(argv, (k, value) => {
    if (k === '--quick') a.quick = true;
    else if (k === '--only') a.only = new RegExp(value());
    else if (k === '--measure') a.measureMs = Number(value()) * 1000;
    else if (k === '--warmup') a.warmupMs = Number(value()) * 1000;
    else if (k === '--out') a.out = value();
    else if (k === '--no-readme') a.readme = false;
    else if (k === '--profile') a.profile = true;
    else if (k === '--rounds') a.rounds = numberFlag(k, value(), 1, 9, usage);
    else return false;
    return true;
  }, usage);
  return a;
}

function usage(err?: string): never {
  if (err) console.error(`bench: ${err}`);
  console.log(`usage: npm run bench -- [--quick] [--only REGEX] [--measure S] [--warmup S] [--out DIR] [--no-readme]
  --quick      smoke check: a few short scenarios, WebRTC, tracking and follow parts in quick mode, results in a temp
               folder, README untouched
  --only RE    run only scenarios whose id matches RE (e.g. 'mjpeg-400|throughput'; 'webrtc' for the WebRTC part,
               'tracking' for the tracking part, 'follow' for the closed loop with video, 'restream' for RTP restreaming)
  --measure S  measurement window per scenario (default 10, quick 1.5)
  --warmup S   warm-up before each window (default 3, quick 1)
  --out DIR    where results go (default bench/results; quick: a temp folder)
  --no-readme  do not rewrite the README's benchmark section
  --rounds N   rounds of the headline scenarios (400-client fan-out, 1080p throughput; default 3, quick 1):
               the report keeps each one's median round and lists every round
  --profile    run the server under node --cpu-prof and print each scenario's top event-loop functions
               (profiles in <out>/profiles/; profiling slows the server: do not compare its figures)`);
  process.exit(err ? 2 : 0);
}

function line(r: ScenarioResult): string {
  const f = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '–');
  const lg = `${r.loadgen.processes} gen ${r.loadgen.cpu_pct.map((c) => c.toFixed(0)).join('+')}%${r.loadgen.saturated ? ' SATURATED' : ''}`;
  const perFrame = r.group === 'throughput' ? `${f(r.encoded_fps)} enc fps (captured ${f(r.capture_fps, 0)}, torn ${r.torn}, out of order ${r.out_of_order}), ${f(r.cpu_us_per_encode, 0)} µs/encode` : `${f(r.cpu_us_per_frame)} µs/frame (loop ${f(r.main_thread_us_per_frame)}, kernel ${f(r.main_thread_sys_us_per_frame)})`;
  const rest = r.rest ? ` | REST ${r.rest.tool} ${f(r.rest.requests_per_sec, 0)} req/s p99 ${f(r.rest.p99_ms, 2)} ms` : '';
  const slow = r.slow ? ` | ${r.slow} stalled: ${r.server_frames_dropped} dropped, RSS ${f(r.rss_window_start_mb)}→${f(r.rss_window_end_mb)} MB, trend ${f(r.rss_slope_mb_per_min)} MB/min` : '';
  return `fps ${f(r.delivered_fps.min)}/${f(r.delivered_fps.median)} | lat p50 ${f(r.latency_ms.p50)} p99 ${f(r.latency_ms.p99)} ms | CPU ${f(r.server_cpu_pct, 0)}% ${perFrame} | RSS ${f(r.peak_rss_mb, 0)} MB | ${lg}${rest}${slow}${r.health.ok ? '' : ' | HARNESS PROBLEM: ' + r.health.problems.join('; ')}`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const scenarios = plan({ quick: args.quick, only: args.only, measureMs: args.measureMs, warmupMs: args.warmupMs, rounds: args.rounds });
  // The WebRTC part (bench/webrtc) runs after the MJPEG/WS scenarios, unless --only leaves it out.
  const wantWebRtc = !args.only || args.only.test('webrtc');
  // So does the tracking part (bench/tracking), after the WebRTC one.
  const wantTracking = !args.only || args.only.test('tracking');
  // And the follow part (bench/vehicle/follow-bench.ts), last.
  const wantFollow = !args.only || args.only.test('follow');
  // And the restream part (bench/restream), after it.
  const wantRestream = !args.only || args.only.test('restream');
  if (!scenarios.length && !wantWebRtc && !wantTracking && !wantFollow && !wantRestream) usage('no scenario matches --only');
  const machine = machineInfo();
  const started = new Date();
  const t0 = performance.now();
  const tty = process.stdout.isTTY;
  console.log(`skyfeed bench (${args.quick ? 'quick smoke check' : 'full'}): ${scenarios.length} scenarios on ${describeMachine(machine)}; load average ${machine.loadavg_at_start}`);

  const outDir = args.out ? path.resolve(args.out) : args.quick ? mkdtempSync(path.join(tmpdir(), 'skyfeed-bench-quick-')) : path.join(root, 'bench/results');
  mkdirSync(outDir, { recursive: true });
  const profileDir = path.join(outDir, 'profiles');
  if (args.profile) mkdirSync(profileDir, { recursive: true });

  const runs: ScenarioResult[] = [];
  let failures = 0;
  for (let i = 0; i < scenarios.length; i++) {
    const s = scenarios[i];
    const tag = `[${String(i + 1).padStart(2)}/${scenarios.length}] ${(s.round ? `${s.id} r${s.round}` : s.id).padEnd(26)}`;
    const progress = (phase: string, detail: string) => {
      if (tty) process.stdout.write(`\r\x1b[K${tag} ${phase} ${detail}`);
    };
    try {
      const profileName = `${s.id}.cpuprofile`;
      const serverNodeArgs = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${profileName}`] : [];
      let r = await runScenario(s, progress, (l) => console.log(l), { serverNodeArgs });
      // A saturated load generator measures itself, not the server: spread
      // the clients over twice as many processes and run the scenario again.
      for (let procs = r.loadgen.processes * 2; r.loadgen.saturated && procs <= MAX_RETRY_PROCESSES && procs <= s.clients; procs *= 2) {
        if (tty) process.stdout.write('\r\x1b[K');
        console.log(`${tag} load generator saturated (event loop ${r.loadgen.elu.map((e) => (e * 100).toFixed(0)).join('+')}% busy): again with ${procs} processes`);
        r = await runScenario(s, progress, (l) => console.log(l), { serverNodeArgs, perProcess: Math.ceil(s.clients / procs), maxProcesses: procs });
      }
      if (tty) process.stdout.write('\r\x1b[K');
      console.log(`${tag} ${line(r)}`);
      if (args.profile) {
        try {
          const { totalMs, top } = topSelfTime(path.join(profileDir, profileName));
          console.log(`    event-loop profile (${(totalMs / 1000).toFixed(1)} s, whole server life), top self time:`);
          for (const t of top) console.log(`    ${t.pct.toFixed(1).padStart(5)}%  ${t.ms.toFixed(0).padStart(6)} ms  ${t.name}`);
        } catch (e) {
          console.log(`    (no profile: ${(e as Error).message})`);
        }
      }
      runs.push(r);
      if (!r.health.ok) failures++;
    } catch (err) {
      if (tty) process.stdout.write('\r\x1b[K');
      console.log(`${tag} FAILED: ${(err as Error).stack ?? err}`);
      failures++;
    }
  }

  const encodeSettings = await runEncodeSettings(args.quick).catch((e: Error) => {
    console.log(`encode-settings FAILED: ${e.message}`);
    failures++;
    return null;
  });
  if (encodeSettings) {
    const e = encodeSettings;
    console.log(`[ encode ] ${e.width}x${e.height} q${e.quality}, one thread: realtime settings ${e.realtime.ms_per_encode.toFixed(2)} ms (${(e.realtime.bytes / 1024).toFixed(1)} KB), sharp defaults ${e.defaults.ms_per_encode.toFixed(2)} ms (${(e.defaults.bytes / 1024).toFixed(1)} KB): defaults cost ${(e.defaults.cpu_ms_per_encode / e.realtime.cpu_ms_per_encode).toFixed(2)}x CPU`);
  }

  let webrtc: WebRtcBenchResult | null = null;
  if (wantWebRtc) {
    webrtc = await runWebRtcBench({ quick: args.quick, command: 'npm run bench (WebRTC part)', log: (l) => console.log(l) }).catch((e: Error) => {
      console.log(`webrtc FAILED: ${e.stack ?? e.message}`);
      failures++;
      return null;
    });
  }

  let tracking: TrackingBench | null = null;
  if (wantTracking) {
    console.log(`[tracking] ${args.quick ? 'quick: aerial and aerial_occluded, our default tracker and OpenCV\'s, true start box' : 'full: 4 sequences x 450 frames, two start boxes'}`);
    tracking = await runTrackingBench({ quick: args.quick, log: (l) => console.log(`[tracking] ${l}`) }).catch((e: Error) => {
      console.log(`tracking FAILED: ${e.stack ?? e.message}`);
      failures++;
      return null;
    });
    for (const n of tracking?.notes ?? []) console.log(`[tracking] note: ${n}`);
  }

  let follow: FollowBench | null = null;
  if (wantFollow) {
    console.log(`[follow] ${args.quick ? 'quick: default limits, the car, 10 s window, 2 trials each' : 'full: person and car, default and relaxed limits, 30 s windows, 8 trials each'}`);
    follow = await runFollowBench({ quick: args.quick, log: (l) => console.log(`[follow] ${l}`) }).catch((e: Error) => {
      console.log(`follow FAILED: ${e.stack ?? e.message}`);
      failures++;
      return null;
    });
    for (const n of follow?.notes ?? []) console.log(`[follow] note: ${n}`);
  }

  let restream: RestreamBench | null = null;
  if (wantRestream) {
    console.log(`[restream] ${args.quick ? 'quick: 5 viewers, 3 s windows, one round' : 'full: 20 viewers, 10 s windows, 3 interleaved rounds'}: idle encoder vs live target vs dead target`);
    restream = await runRestreamBench({ quick: args.quick, log: (l) => console.log(`[restream] ${l}`) }).catch((e: Error) => {
      console.log(`restream FAILED: ${e.stack ?? e.message}`);
      failures++;
      return null;
    });
  }

  // Repeated scenarios collapse to their median round (bench/rounds.ts).
  const results = mergeRounds(runs);
  const tp = throughput(results);
  const run: BenchRun = {
    mode: args.quick ? 'quick' : 'full',
    started: started.toISOString(),
    duration_s: (performance.now() - t0) / 1000,
    command: `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`,
    machine, scenarios: results, ablations: ablations(results), throughput: tp, targets: targets(results, tp),
    encode_settings: encodeSettings,
    webrtc,
    tracking,
    follow,
    restream,
    healthy: failures === 0,
  };
  if (webrtc) run.targets.push(...webrtcTargets(webrtc, DEFAULT_KBPS));
  if (tracking) run.targets.push(...trackingTargets(tracking));
  if (follow) run.targets.push(...followTargets(follow));
  if (restream) run.targets.push(...restreamTargets(restream));

  console.log('\n' + terminalTable(results));
  if (run.ablations.length) {
    console.log('\nAblations (÷ uWS + pool MJPEG, same clients, same run):');
    for (const a of run.ablations) console.log(`  ${String(a.clients).padStart(4)} clients ${a.resolution.padStart(9)}  ${a.config.padEnd(32)} CPU/frame ${a.cpu_per_frame_ratio.toFixed(2)}x  event-loop/frame ${a.main_thread_per_frame_ratio.toFixed(2)}x  fps ${a.fps_median_ratio.toFixed(2)}x  latency p99 ${a.latency_p99_ratio.toFixed(2)}x`);
  }
  if (tp.length) console.log(`\nEncode throughput: ${tp.map((t) => `${t.workers} worker(s) ${t.encoded_fps.toFixed(1)} fps (${t.ratio_to_one.toFixed(2)}x)`).join(', ')} at ${tp[0].resolution}`);
  for (const t of run.targets) console.log(`target: ${t.target}: ${t.measured} -> ${t.met === null ? 'reference' : t.met ? 'met' : 'NOT met'}`);

  const stamp = started.toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
  const name = `${stamp}${args.quick ? '-quick' : ''}`;
  const title = args.quick ? 'skyfeed bench: SMOKE RUN (--quick), not benchmark figures' : 'skyfeed bench: MJPEG/WS fan-out, 640x480@30';
  const svg = chartSvg(results, { title, subtitle: `${describeMachine(machine)} · ${started.toISOString().slice(0, 16)}Z` });
  writeFileSync(path.join(outDir, `${name}.json`), JSON.stringify(run, null, 2) + '\n');
  writeFileSync(path.join(outDir, `${name}.svg`), svg);
  // The WebRTC tables follow the MJPEG/WS ones, with their own chart (server CPU per peer).
  if (webrtc?.cpu) writeFileSync(path.join(outDir, `${name}-webrtc.svg`), webrtcSvg(webrtc));
  // The WebRTC part's tables (with their chart) and then the tracking part's follow the MJPEG/WS ones.
  const withParts = (body: string, webrtcChart: string) => {
    let md = body;
    if (webrtc) {
      md += `\n\n${webrtc.cpu ? `![server CPU per WebRTC peer](${webrtcChart})\n\n` : ''}`;
      md += webrtcMarkdown(webrtc, DEFAULT_KBPS).replace(/^# WebRTC bench .*\n/, '## WebRTC\n');
    }
    if (tracking) md += `\n\n## Tracking\n\n${trackingMarkdown(tracking).trimEnd()}`;
    if (follow) md += `\n\n## Following with video (vehicle closed loop)\n\n${followMarkdown(follow).trimEnd()}`;
    if (restream) md += `\n\n## Restream (RTP to a media server)\n\n${restreamMarkdown(restream).trimEnd()}`;
    return md;
  };
  const md = withParts(markdown(run, `${name}.svg`), `${name}-webrtc.svg`);
  writeFileSync(path.join(outDir, `${name}.md`), `# skyfeed bench ${run.started}\n\n${md}\n`);
  console.log(`\nresults: ${path.join(outDir, name)}.{json,md,svg}`);

  // The README shows the latest full run (or an explicitly requested smoke run with --out bench/results).
  const intoRepo = outDir === path.join(root, 'bench/results');
  if (args.readme && intoRepo && !args.only) {
    copyFileSync(path.join(outDir, `${name}.svg`), path.join(outDir, 'latest.svg'));
    if (webrtc?.cpu) copyFileSync(path.join(outDir, `${name}-webrtc.svg`), path.join(outDir, 'latest-webrtc.svg'));
    const body = withParts(markdown(run, 'bench/results/latest.svg'), 'bench/results/latest-webrtc.svg');
    if (updateReadme(path.join(root, 'README.md'), `Latest results: [bench/results/${name}.md](bench/results/${name}.md).\n\n${body}`)) console.log('README benchmark section updated');
  }

  if (failures) {
    console.log(`\nbench: ${failures} scenario(s) had harness problems (see above)`);
    process.exit(1);
  }
  console.log(`\nbench: harness healthy, ${runs.length} scenario runs in ${run.duration_s.toFixed(0)} s`);
  process.exit(0);
}

/** The encode-settings micro-benchmark in its own process (bench/encode-settings.ts). */
function runEncodeSettings(quick: boolean): Promise<EncodeSettings> {
  return new Promise((resolve, reject) => {
    const js = path.join(path.dirname(fileURLToPath(import.meta.url)), 'encode-settings.js');
    execFile(process.execPath, [js, '640', '480', '85', quick ? '10' : '120'], { timeout: 120000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      try {
        const r = JSON.parse(stdout.trim().split('\n').pop()!) as EncodeSettings;
        if (!(r.realtime.bytes > 1000 && r.defaults.bytes > 1000)) return reject(new Error(`implausible encode sizes: ${stdout}`));
        resolve(r);
      } catch (e) {
        reject(new Error(`bad output: ${stdout}${stderr}`));
      }
    });
  });
}

main().catch((err) => {
  console.error('bench: failed:', err);
  process.exit(1);
});
