// (b) Server CPU per WebRTC peer. The real server (one encode) runs in
// its own process; node-datachannel viewers run in load-client processes
// (at most 25 each). For 0 peers (idle: the camera at 1 fps, no feed), then
// each step's peer count, CPU is read from /proc over a window: the server
// process (all threads), ffmpeg separately, the load clients separately.
// The camera renders and the encoder is fed only while a peer watches, so
// the baseline is the first step, 1 peer (camera + encoder feed + one
// peer): per-peer cost = (server CPU at N − server CPU at 1) / (N − 1).

import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WebRtcStats } from '../../lib/index.js';
import { cpuSample, memory } from '../proc-stats.js';
import { getJson, startServerProcess, type ServerUnderTest } from '../server-process.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const PEERS_PER_CLIENT = 25;

export interface CpuStep {
  peers: number;
  /** Server process, all threads, % of one core. */
  server_cpu_pct: number;
  /** (server at N − server at 1 peer) / (N − 1), % of one core; null for the 1-peer baseline. */
  per_peer_cpu_pct: number | null;
  ffmpeg_cpu_pct: number;
  clients_cpu_pct: number;
  /** Frames each viewer completed per second: min and median. */
  fps_min: number;
  fps_median: number;
  lost_packets: number;
  /** RTP bytes per viewer per second as received (headers included). */
  wire_bytes_per_peer_s: number;
  /** H.264 payload per viewer per second, from the server's stats. */
  payload_bytes_per_peer_s: number;
  server_rss_mb: number;
  encoder_fps: number;
  encoder_kbps: number;
  join_failures: number;
}

export interface CpuScenario {
  window_s: number;
  /** 0 peers: the camera idles (1 fps), nothing is fed to the encoder. */
  idle: { server_cpu_pct: number; ffmpeg_cpu_pct: number; server_rss_mb: number };
  /** 1 peer: camera at full rate, encoder fed, one peer; what per-peer costs are measured from. */
  baseline: { server_cpu_pct: number; ffmpeg_cpu_pct: number; server_rss_mb: number } | null;
  steps: CpuStep[];
}

interface PeerCounts { frames: number; keyframes: number; lost: number; bytes: number; firstKeyframeMs: number | null }
interface Counts { peers: PeerCounts[] }

function request<T>(child: ChildProcess, msg: object, reply: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = () => {
      child.off('message', on);
      child.off('exit', exit);
    };
    const on = (m: { type: string }) => {
      if (m.type !== reply) return;
      done();
      resolve(m as T);
    };
    const exit = (code: number | null) => {
      done();
      reject(new Error(`${path.basename(String(child.spawnargs[1]))} exited (${code})`));
    };
    child.on('message', on);
    child.on('exit', exit);
    child.send(msg);
  });
}

/** The real server (bench/server-process.ts) with WebRTC on and its encoder kept running with no peer. */
export async function startWebRtcServer(o: { maxPeers: number; bitrateKbps?: number; frameCode?: boolean }): Promise<ServerUnderTest> {
  const server = await startServerProcess('uws', {
    source: { type: 'synthetic', frame_code: o.frameCode ?? true },
    streaming: { width: 640, height: 480, fps: 30, max_clients_per_address: 1000 },
    // idle_stop_s at its maximum: one warm-up peer starts the encoder, which then
    // keeps running with no peer, for the baseline and for joins at any GOP phase.
    webrtc: { enabled: true, max_peers: o.maxPeers, bitrate_kbps: o.bitrateKbps ?? 1000, idle_stop_s: 3600 },
  });
  try {
    const warm = fork(path.join(here, 'load-client.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await request(warm, { type: 'open', base: `http://127.0.0.1:${server.port}`, count: 1 }, 'opened');
    await stopChild(warm, { type: 'close' });
    const end = performance.now() + 10_000;
    while ((await webrtcStats(server.port)).encoder?.state !== 'running') {
      if (performance.now() > end) throw new Error('the WebRTC encoder did not start');
      await sleep(50);
    }
    return server;
  } catch (err) {
    await server.stop();
    throw err;
  }
}

export async function webrtcStats(port: number): Promise<WebRtcStats> {
  const s = await getJson(port, '/stats');
  if (!s.webrtc) throw new Error('/stats has no webrtc section: is webrtc.enabled false?');
  return s.webrtc as WebRtcStats;
}

/** The server's ffmpeg child (its H.264 encoder), from /proc. */
export function ffmpegChildOf(pid: number): number {
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let kids = '';
    try {
      kids = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const k of kids.split(' ').filter(Boolean)) {
      if (readFileSync(`/proc/${k}/comm`, 'utf8').trim() === 'ffmpeg') return Number(k);
    }
  }
  throw new Error(`no ffmpeg child of ${pid}`);
}

export async function stopChild(proc: ChildProcess, msg?: object): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  if (msg) proc.send(msg);
  else proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (us: number, ms: number) => Math.round((us / (ms * 1000)) * 1000) / 10;

export interface CpuScenarioOptions {
  steps: number[];
  windowS: number;
  warmupS: number;
  log: (s: string) => void;
}

export async function runCpuScenario(o: CpuScenarioOptions): Promise<CpuScenario> {
  const server = await startWebRtcServer({ maxPeers: Math.max(...o.steps) + 4 });
  const ffmpegPid = ffmpegChildOf(server.pid);
  const base = `http://127.0.0.1:${server.port}`;
  const clients: { proc: ChildProcess; peers: number }[] = [];
  try {
    const measure = async () => {
      const s0 = cpuSample(server.pid);
      const f0 = cpuSample(ffmpegPid);
      const c0 = clients.map((c) => cpuSample(c.proc.pid!));
      const n0 = await Promise.all(clients.map((c) => request<Counts>(c.proc, { type: 'counts' }, 'counts')));
      const st0 = await webrtcStats(server.port);
      await sleep(o.windowS * 1000);
      const s1 = cpuSample(server.pid);
      const f1 = cpuSample(ffmpegPid);
      const c1 = clients.map((c) => cpuSample(c.proc.pid!));
      const n1 = await Promise.all(clients.map((c) => request<Counts>(c.proc, { type: 'counts' }, 'counts')));
      const st1 = await webrtcStats(server.port);
      const ms = s1.t - s0.t;
      const peers0 = n0.flatMap((r) => r.peers);
      const peers1 = n1.flatMap((r) => r.peers);
      const fps = peers1.map((p, i) => ((p.frames - peers0[i].frames) * 1000) / ms).sort((a, b) => a - b);
      const payload0 = st0.peer_list.reduce((n, p) => n + p.bytes_sent, 0);
      const payload1 = st1.peer_list.reduce((n, p) => n + p.bytes_sent, 0);
      return {
        server: pct(s1.totalUs - s0.totalUs, ms),
        ffmpeg: pct(f1.totalUs - f0.totalUs, ms),
        clients: c1.reduce((n, c, i) => n + pct(c.totalUs - c0[i].totalUs, ms), 0),
        fpsMin: fps.length ? Math.round(fps[0] * 10) / 10 : 0,
        fpsMedian: fps.length ? Math.round(fps[fps.length >> 1] * 10) / 10 : 0,
        lost: peers1.reduce((n, p, i) => n + p.lost - peers0[i].lost, 0),
        wire: peers1.length ? Math.round(peers1.reduce((n, p, i) => n + p.bytes - peers0[i].bytes, 0) / peers1.length / (ms / 1000)) : 0,
        payload: peers1.length ? Math.round((payload1 - payload0) / peers1.length / (ms / 1000)) : 0,
        rss: Math.round(memory(server.pid).rss / 1e6),
        encoder: st1.encoder ?? { fps: 0, kbps: 0 },
      };
    };
    await sleep(o.warmupS * 1000);
    o.log('  idle (0 peers)');
    const b = await measure();
    const result: CpuScenario = {
      window_s: o.windowS, idle: { server_cpu_pct: b.server, ffmpeg_cpu_pct: b.ffmpeg, server_rss_mb: b.rss }, baseline: null, steps: [],
    };
    let failures = 0;
    for (const target of o.steps) {
      let have = clients.reduce((n, c) => n + c.peers, 0);
      while (have < target) {
        let c = clients.find((x) => x.peers < PEERS_PER_CLIENT);
        if (!c) {
          c = { proc: fork(path.join(here, 'load-client.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }), peers: 0 };
          clients.push(c);
        }
        const n = Math.min(target - have, PEERS_PER_CLIENT - c.peers);
        const r = await request<{ count: number; failed: number }>(c.proc, { type: 'open', base, count: n }, 'opened');
        failures += r.failed;
        c.peers = r.count;
        have = clients.reduce((k, x) => k + x.peers, 0);
        if (r.failed === n) throw new Error(`no viewer could connect (${r.failed} failures)`);
      }
      o.log(`  ${target} peers connected (${failures} join failures so far); warming up`);
      await sleep(o.warmupS * 1000);
      const m = await measure();
      result.steps.push({
        peers: have, server_cpu_pct: m.server,
        per_peer_cpu_pct: result.baseline && have > 1 ? Math.round(((m.server - result.baseline.server_cpu_pct) / (have - 1)) * 100) / 100 : null,
        ffmpeg_cpu_pct: m.ffmpeg, clients_cpu_pct: Math.round(m.clients * 10) / 10, fps_min: m.fpsMin, fps_median: m.fpsMedian,
        lost_packets: m.lost, wire_bytes_per_peer_s: m.wire, payload_bytes_per_peer_s: m.payload, server_rss_mb: m.rss,
        encoder_fps: m.encoder.fps, encoder_kbps: m.encoder.kbps, join_failures: failures,
      });
      if (have === 1) result.baseline = { server_cpu_pct: m.server, ffmpeg_cpu_pct: m.ffmpeg, server_rss_mb: m.rss };
    }
    return result;
  } finally {
    await Promise.all(clients.map((c) => stopChild(c.proc, { type: 'close' })));
    await server.stop();
  }
}
