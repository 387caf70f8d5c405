// Runs one scenario end to end: server process up, load generators
// connected, warm-up, a measurement window bracketed by /proc and /stats
// readings, then everything down. Returns the figures and a health verdict
// (the harness worked: clients connected, frames parsed and decoded, the
// server exited cleanly) that --quick asserts.

import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import { emulatedCameraEnv, EMULATED_DEVICE } from './emulated-camera.js';
import { startServerProcess, getJson, type ServerUnderTest } from './server-process.js';
import { cpuSample, threadCpu, machineCpu, RssSampler } from './proc-stats.js';
import { LoadgenPool, type PoolReport } from './loadgen-pool.js';
import { hasWrk, runWrk } from './rest-load.js';
import type { Scenario } from './scenarios.js';

/** Clients per load-generator process, and the most processes per scenario (the driver raises both when a generator saturates). */
export const PER_PROCESS = 100;
export const MAX_PROCESSES = 4;
/** A load generator above this event-loop utilisation may be holding the figures back. */
export const SATURATION_ELU = 0.9;

/** Every round's figures of a repeated scenario, in run order. */
export interface RoundsSummary {
  count: number;
  cpu_us_per_frame: number[];
  main_thread_us_per_frame: number[];
  /** Throughput scenarios: server CPU per encode. */
  cpu_us_per_encode: number[];
  encoded_fps: number[];
  /** Which round (0-based) the result's other fields come from. */
  picked: number;
}

export interface ScenarioResult {
  id: string;
  group: Scenario['group'];
  config: string;
  server: Scenario['server'];
  transport: Scenario['transport'];
  encoder: Scenario['encoder'];
  clients: number;
  slow: number;
  width: number;
  height: number;
  source_fps: number;
  workers: number;
  window_s: number;
  /** Per fast client. */
  delivered_fps: { min: number; median: number; mean: number };
  /** Frames delivered to all clients per second. */
  total_fps: number;
  latency_ms: { p50: number; p99: number; max: number; samples: number };
  server_cpu_pct: number;
  cpu_us_per_frame: number;
  main_thread_us_per_frame: number;
  /** Of main_thread_us_per_frame, kernel time (send syscalls). */
  main_thread_sys_us_per_frame: number;
  /** Server CPU per encoded frame (throughput scenarios). */
  cpu_us_per_encode: number;
  peak_rss_mb: number;
  /** Peak RssAnon (heap, stacks, rings): RSS minus shared code pages (node, libvips). */
  peak_rss_anon_mb: number;
  rss_window_start_mb: number;
  rss_window_end_mb: number;
  /** RSS once a second through the window, MB: flat means bounded. */
  rss_series_mb: number[];
  /** Least-squares slope of RSS through the window, MB per minute (GC makes RSS a sawtooth; the trend is what matters). */
  rss_slope_mb_per_min: number;
  encode_ms_p50: number;
  encode_ms_p99: number;
  encoded_fps: number;
  capture_fps: number;
  identical_skipped: number;
  stale_skipped: number;
  /** Encodes thrown away because the camera overwrote the raw slot mid-encode, or finished after a newer frame. */
  torn: number;
  out_of_order: number;
  server_frames_sent: number;
  server_frames_dropped: number;
  bytes_per_frame: number;
  /** Slow clients: frames they got in the window, and fps of the fast ones. */
  slow_clients?: { frames_max: number; fast_fps_min: number };
  rest?: { tool: string; connections: number; requests_per_sec: number; p50_ms: number; p99_ms: number; errors: string | null; loadgen_saturated?: boolean };
  loadgen: { processes: number; cpu_pct: number[]; elu: number[]; saturated: boolean };
  /** Whole machine, % of all cores, and what neither the server nor the load generators used. */
  machine_busy_pct: number;
  other_busy_pct: number;
  /** Server CPU by thread name over the window, µs. */
  threads: Record<string, number>;
  sample_jpeg: { width: number; height: number; bytes: number } | null;
  health: { ok: boolean; problems: string[] };
  /** Set when the scenario ran several rounds (bench/rounds.ts): this result is the median one. */
  rounds?: RoundsSummary;
  server_exit: number | null;
}

export type Progress = (phase: string, detail: string) => void;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function serverConfig(s: Scenario): Record<string, unknown> {
  return {
    // Every load-generator client shares 127.0.0.1: lift the per-address stream cap.
    streaming: { width: s.width, height: s.height, fps: s.fps, max_http_clients: 1000, max_ws_clients: 1000, max_clients_per_address: 1000 },
    pipeline: { workers: s.workers },
    source: s.camera
      ? { type: 'v4l2', device: EMULATED_DEVICE, pixel_format: 'mjpeg', jpeg_quality: 85 }
      : { type: 'synthetic', scene: 'moving' },
  };
}

function slope(pts: number[][]): number {
  if (pts.length < 3) return NaN;
  const n = pts.length;
  const mx = pts.reduce((a, p) => a + p[0], 0) / n;
  const my = pts.reduce((a, p) => a + p[1], 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of pts) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den ? num / den : NaN;
}

export function median(a: number[]): number {
  if (!a.length) return NaN;
  const b = [...a].sort((x, y) => x - y);
  const m = b.length >> 1;
  return b.length % 2 ? b[m] : (b[m - 1] + b[m]) / 2;
}

export interface RunOptions {
  /** Extra node flags for the server process (e.g. --cpu-prof). */
  serverNodeArgs?: string[];
  perProcess?: number;
  maxProcesses?: number;
}

export async function runScenario(s: Scenario, progress: Progress, log: (line: string) => void = () => {}, opts: RunOptions = {}): Promise<ScenarioResult> {
  const problems: string[] = [];
  let server: ServerUnderTest | null = null;
  let pool: LoadgenPool | null = null;
  let rest: LoadgenPool | null = null;
  let rss: RssSampler | null = null;
  try {
    progress('starting', '');
    const path = (s.transport === 'ws' ? '/ws/video_feed' : '/video_feed') + (s.query ? `?${s.query}` : '');
    const env = s.camera ? await emulatedCameraEnv(s.width, s.height) : undefined;
    // The main-thread encoder is injected by an ablation entry point, never configured.
    const inline = s.encoder === 'main_thread';
    const kind = inline && s.server === 'uws' ? 'uws-main-thread' : s.server;
    server = await startServerProcess(kind, serverConfig(s), opts.serverNodeArgs, env, inline && s.server === 'node-http' ? ['--main-thread-encoder'] : []);
    rss = new RssSampler(server.pid);
    pool = new LoadgenPool({
      port: server.port, kind: s.transport, path, clients: s.clients, slow: s.slow,
      perProcess: opts.perProcess ?? PER_PROCESS, maxProcesses: opts.maxProcesses ?? MAX_PROCESSES, sample: true,
    });
    progress('connecting', `${s.clients} clients over ${pool.processes} process(es)`);
    const opened = await pool.open(20000);
    if (opened.ready < s.clients) problems.push(`${s.clients - opened.ready} of ${s.clients} clients got no first frame (${opened.errors.slice(0, 3).join('; ')})`);

    const useWrk = !!s.restConnections && s.restTool !== 'builtin' && hasWrk();
    if (s.restConnections && !useWrk) {
      rest = new LoadgenPool({ port: server.port, kind: 'status', path: '/status', clients: s.restConnections, perProcess: 1000, maxProcesses: 1 });
      const r = await rest.open(10000);
      if (r.ready < s.restConnections) problems.push(`REST load: ${s.restConnections - r.ready} connections failed`);
    }

    const warmEnd = performance.now() + s.warmupMs;
    while (performance.now() < warmEnd) {
      progress('warm-up', `${((warmEnd - performance.now()) / 1000).toFixed(1)} s left, ${pool.frames} frames`);
      await sleep(Math.min(250, Math.max(0, warmEnd - performance.now())));
    }

    // ---- measurement window ----
    const stats0 = await getJson(server.port, '/stats');
    pool.mark();
    rest?.mark();
    if (s.slow) pool.stall();
    const cpu0 = cpuSample(server.pid);
    const threads0 = threadCpu(server.pid);
    const mach0 = machineCpu();
    const rssStart = rss.sample();
    const wrkP = useWrk ? runWrk(`http://127.0.0.1:${server.port}/status`, s.restConnections!, s.measureMs / 1000) : null;
    const framesAt0 = pool.frames;
    const end = performance.now() + s.measureMs;
    while (performance.now() < end) {
      const el = (s.measureMs - (end - performance.now())) / 1000;
      progress('measuring', `${el.toFixed(1)}/${(s.measureMs / 1000).toFixed(1)} s, ${pool.frames - framesAt0} frames`);
      await sleep(Math.min(250, Math.max(0, end - performance.now())));
    }
    const [rep, restRep] = await Promise.all([pool.report(), rest ? rest.report() : Promise.resolve(null)]);
    const cpu1 = cpuSample(server.pid);
    const threads1 = threadCpu(server.pid);
    const mach1 = machineCpu();
    const rssEnd = rss.sample();
    const stats1 = await getJson(server.port, '/stats');
    const wrk = wrkP ? await wrkP.catch((e: Error) => {
      problems.push(`wrk: ${e.message}`);
      return null;
    }) : null;

    const sample = pool.sample ?? (await pool.waitSample(2000));
    let sampleInfo: ScenarioResult['sample_jpeg'] = null;
    if (!sample) problems.push('no sample frame was captured');
    else {
      try {
        const meta = await sharp(sample).metadata();
        sampleInfo = { width: meta.width ?? 0, height: meta.height ?? 0, bytes: sample.length };
        if (meta.format !== 'jpeg' || meta.width !== s.width || meta.height !== s.height) {
          problems.push(`sample frame is ${meta.format} ${meta.width}x${meta.height}, expected jpeg ${s.width}x${s.height}`);
        }
        await sharp(sample).raw().toBuffer(); // decodes the whole picture, not just the header
      } catch (e) {
        problems.push(`sample frame does not decode: ${(e as Error).message}`);
      }
    }

    const result = summarise(s, rep, cpu0, cpu1, threads0, threads1, mach0, mach1, stats0, stats1);
    result.peak_rss_mb = rss.peak / 2 ** 20;
    result.peak_rss_anon_mb = rss.peakAnon / 2 ** 20;
    result.rss_window_start_mb = rssStart / 2 ** 20;
    result.rss_window_end_mb = rssEnd / 2 ** 20;
    result.rss_slope_mb_per_min = slope(rss.series.filter((p) => p.t >= cpu0.t).map((p) => [p.t / 60000, p.rss / 2 ** 20]));
    result.rss_series_mb = rss.series.filter((p) => p.t >= cpu0.t).filter((_, i) => i % 5 === 0).map((p) => Math.round((p.rss / 2 ** 20) * 10) / 10);
    result.sample_jpeg = sampleInfo;
    if (restRep) {
      const ms = restRep.windowMs / 1000;
      const total = restRep.fastFrames.reduce((a, b) => a + b, 0);
      result.rest = {
        tool: 'built-in loop', connections: s.restConnections!, requests_per_sec: total / ms,
        p50_ms: restRep.latency.percentile(50), p99_ms: restRep.latency.percentile(99), errors: restRep.errors[0] ?? null,
        loadgen_saturated: restRep.elu.some((e) => e > SATURATION_ELU),
      };
      if (total === 0) problems.push('REST load completed no request');
    } else if (wrk) {
      result.rest = { tool: 'wrk -t2', connections: s.restConnections!, requests_per_sec: wrk.requestsPerSec, p50_ms: wrk.p50Ms, p99_ms: wrk.p99Ms, errors: wrk.errors };
      if (wrk.requestsPerSec === 0) problems.push('wrk completed no request');
    }

    // Harness health: what --quick asserts. Figures are never asserted.
    if (rep.fastFrames.length !== s.clients - (s.slow ?? 0)) problems.push(`expected ${s.clients - (s.slow ?? 0)} fast clients in the report, got ${rep.fastFrames.length}`);
    if (rep.fastFrames.some((f) => f === 0)) problems.push(`${rep.fastFrames.filter((f) => f === 0).length} clients received no frame in the window`);
    if (rep.invalidFrames) problems.push(`${rep.invalidFrames} frames without JPEG SOI/EOI markers`);
    if (rep.outOfOrder) problems.push(`${rep.outOfOrder} frames arrived with a frame id not above the previous one`);
    if (rep.lost) problems.push(`${rep.lost} streams ended during the window (${rep.errors.slice(0, 3).join('; ')})`);
    // A few sub-millisecond negatives can come from the processes' time origins; many mean a clock problem.
    if (rep.latency.negative > rep.latency.count / 100) problems.push(`${rep.latency.negative} of ${rep.latency.count} latencies negative (clock problem)`);
    if (!(result.server_cpu_pct > 0)) problems.push('server CPU could not be read from /proc');
    for (const e of rep.errors) log(`    load generator: ${e}`);

    const exit = await server.stop();
    server = null;
    result.server_exit = exit;
    if (exit !== 0) problems.push(`server exited with ${exit} on SIGTERM`);
    result.health = { ok: problems.length === 0, problems };
    return result;
  } finally {
    rss?.stop();
    await Promise.all([pool?.close(), rest?.close()]);
    if (server) await server.stop();
  }
}

function summarise(
  s: Scenario, rep: PoolReport,
  cpu0: ReturnType<typeof cpuSample>, cpu1: ReturnType<typeof cpuSample>,
  t0: Map<string, number>, t1: Map<string, number>,
  m0: ReturnType<typeof machineCpu>, m1: ReturnType<typeof machineCpu>,
  st0: Record<string, any>, st1: Record<string, any>,
): ScenarioResult {
  const win = rep.windowMs / 1000;
  const fps = rep.fastFrames.map((f) => f / win);
  const frames = rep.fastFrames.reduce((a, b) => a + b, 0) + rep.slowFrames.reduce((a, b) => a + b, 0);
  const cpuUs = cpu1.totalUs - cpu0.totalUs;
  const mainUs = cpu1.mainUs - cpu0.mainUs;
  const cpuWallMs = cpu1.t - cpu0.t;
  const e0 = st0.encode ?? {};
  const e1 = st1.encode ?? {};
  const encoded = (e1.frames_encoded ?? 0) - (e0.frames_encoded ?? 0);
  const encodes = (e1.encodes ?? 0) - (e0.encodes ?? 0);
  const threads: Record<string, number> = {};
  for (const [k, v] of t1) threads[k] = Math.round(v - (t0.get(k) ?? 0));
  const loadgenCpuUsFraction = rep.cpuPct.reduce((a, b) => a + b, 0) / 100; // cores
  const machBusy = (m1.busy - m0.busy) / Math.max(1, m1.total - m0.total); // fraction of all cores
  const cores = availableParallelism();
  const serverCores = cpuUs / 1000 / cpuWallMs;
  const slowMax = rep.slowFrames.length ? Math.max(...rep.slowFrames) : 0;
  return {
    id: s.id, group: s.group, config: s.config, server: s.server, transport: s.transport, encoder: s.encoder,
    clients: s.clients, slow: s.slow ?? 0, width: s.width, height: s.height, source_fps: s.fps,
    workers: (e1.workers as number) ?? s.workers, window_s: win,
    delivered_fps: { min: fps.length ? Math.min(...fps) : 0, median: median(fps), mean: fps.reduce((a, b) => a + b, 0) / Math.max(1, fps.length) },
    total_fps: frames / win,
    latency_ms: { p50: rep.latency.percentile(50), p99: rep.latency.percentile(99), max: rep.latency.maxMs, samples: rep.latency.count },
    server_cpu_pct: (serverCores * 100),
    cpu_us_per_frame: frames ? cpuUs / frames : NaN,
    main_thread_us_per_frame: frames ? mainUs / frames : NaN,
    main_thread_sys_us_per_frame: frames ? (cpu1.mainSysUs - cpu0.mainSysUs) / frames : NaN,
    cpu_us_per_encode: encodes ? cpuUs / encodes : NaN,
    peak_rss_mb: 0, peak_rss_anon_mb: 0, rss_window_start_mb: 0, rss_window_end_mb: 0, rss_series_mb: [], rss_slope_mb_per_min: NaN,
    encode_ms_p50: e1.ms_p50 ?? NaN, encode_ms_p99: e1.ms_p99 ?? NaN,
    encoded_fps: encoded / win,
    capture_fps: ((st1.capture?.frames ?? 0) - (st0.capture?.frames ?? 0)) / win,
    identical_skipped: (e1.identical_skipped ?? 0) - (e0.identical_skipped ?? 0),
    stale_skipped: (e1.stale_skipped ?? 0) - (e0.stale_skipped ?? 0),
    torn: (e1.torn ?? 0) - (e0.torn ?? 0),
    out_of_order: (e1.out_of_order ?? 0) - (e0.out_of_order ?? 0),
    server_frames_sent: (st1.frames_sent ?? 0) - (st0.frames_sent ?? 0),
    server_frames_dropped: (st1.frames_dropped ?? 0) - (st0.frames_dropped ?? 0),
    bytes_per_frame: frames ? rep.jpegBytes / frames : NaN,
    slow_clients: s.slow ? { frames_max: slowMax, fast_fps_min: fps.length ? Math.min(...fps) : 0 } : undefined,
    loadgen: { processes: rep.processes, cpu_pct: rep.cpuPct, elu: rep.elu, saturated: rep.elu.some((e) => e > SATURATION_ELU) },
    machine_busy_pct: machBusy * 100,
    other_busy_pct: Math.max(0, (machBusy * cores - serverCores - loadgenCpuUsFraction) / cores) * 100,
    threads,
    sample_jpeg: null,
    health: { ok: true, problems: [] },
    server_exit: null,
  };
}
