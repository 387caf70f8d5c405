// (b) Server CPU per WebRTC peer. The bench server (rig, one encode) runs in
// its own process; node-datachannel viewers run in load-client processes
// (at most 25 each). For 0 peers (baseline: camera + encoder feed), then
// each step's peer count, CPU is read from /proc over a window: the server
// process (all threads), ffmpeg separately, the load clients separately.
// Per-peer cost = (server CPU at N − baseline) / N.

import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSample, memory } from '../proc-stats.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const PEERS_PER_CLIENT = 25;

export interface CpuStep {
  peers: number;
  /** Server process, all threads, % of one core. */
  server_cpu_pct: number;
  /** (server − baseline) / peers, % of one core. */
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
  baseline: { server_cpu_pct: number; ffmpeg_cpu_pct: number; server_rss_mb: number };
  steps: CpuStep[];
}

interface PeerCounts { frames: number; keyframes: number; lost: number; bytes: number; firstKeyframeMs: number | null }
interface Counts { peers: PeerCounts[] }
interface ServerStats { webrtc: { peer_list: { bytes_sent: number }[] }; encoder: { fps: number; kbps: number } }

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

export async function startServer(args: object): Promise<{ proc: ChildProcess; port: number; ffmpegPid: number }> {
  const proc = fork(path.join(here, 'server.js'), [JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const ready = await new Promise<{ port: number; ffmpegPid: number }>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\{.*\})/.exec(out);
      if (m) resolve(JSON.parse(m[1]) as { port: number; ffmpegPid: number });
    });
    proc.once('exit', (code) => reject(new Error(`bench server exited (${code}): ${out}`)));
  });
  return { proc, ...ready };
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
  const server = await startServer({ maxPeers: Math.max(...o.steps) + 4 });
  const base = `http://127.0.0.1:${server.port}`;
  const clients: { proc: ChildProcess; peers: number }[] = [];
  try {
    const measure = async () => {
      const s0 = cpuSample(server.proc.pid!);
      const f0 = cpuSample(server.ffmpegPid);
      const c0 = clients.map((c) => cpuSample(c.proc.pid!));
      const n0 = await Promise.all(clients.map((c) => request<Counts>(c.proc, { type: 'counts' }, 'counts')));
      const st0 = await request<ServerStats>(server.proc, { type: 'stats' }, 'stats');
      await sleep(o.windowS * 1000);
      const s1 = cpuSample(server.proc.pid!);
      const f1 = cpuSample(server.ffmpegPid);
      const c1 = clients.map((c) => cpuSample(c.proc.pid!));
      const n1 = await Promise.all(clients.map((c) => request<Counts>(c.proc, { type: 'counts' }, 'counts')));
      const st1 = await request<ServerStats>(server.proc, { type: 'stats' }, 'stats');
      const ms = s1.t - s0.t;
      const peers0 = n0.flatMap((r) => r.peers);
      const peers1 = n1.flatMap((r) => r.peers);
      const fps = peers1.map((p, i) => ((p.frames - peers0[i].frames) * 1000) / ms).sort((a, b) => a - b);
      const payload0 = st0.webrtc.peer_list.reduce((n, p) => n + p.bytes_sent, 0);
      const payload1 = st1.webrtc.peer_list.reduce((n, p) => n + p.bytes_sent, 0);
      return {
        server: pct(s1.totalUs - s0.totalUs, ms),
        ffmpeg: pct(f1.totalUs - f0.totalUs, ms),
        clients: c1.reduce((n, c, i) => n + pct(c.totalUs - c0[i].totalUs, ms), 0),
        fpsMin: fps.length ? Math.round(fps[0] * 10) / 10 : 0,
        fpsMedian: fps.length ? Math.round(fps[fps.length >> 1] * 10) / 10 : 0,
        lost: peers1.reduce((n, p, i) => n + p.lost - peers0[i].lost, 0),
        wire: peers1.length ? Math.round(peers1.reduce((n, p, i) => n + p.bytes - peers0[i].bytes, 0) / peers1.length / (ms / 1000)) : 0,
        payload: peers1.length ? Math.round((payload1 - payload0) / peers1.length / (ms / 1000)) : 0,
        rss: Math.round(memory(server.proc.pid!).rss / 1e6),
        encoder: st1.encoder,
      };
    };
    await sleep(o.warmupS * 1000);
    o.log('  baseline (0 peers)');
    const b = await measure();
    const result: CpuScenario = {
      window_s: o.windowS, baseline: { server_cpu_pct: b.server, ffmpeg_cpu_pct: b.ffmpeg, server_rss_mb: b.rss }, steps: [],
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
        per_peer_cpu_pct: have ? Math.round(((m.server - b.server) / have) * 100) / 100 : null,
        ffmpeg_cpu_pct: m.ffmpeg, clients_cpu_pct: Math.round(m.clients * 10) / 10, fps_min: m.fpsMin, fps_median: m.fpsMedian,
        lost_packets: m.lost, wire_bytes_per_peer_s: m.wire, payload_bytes_per_peer_s: m.payload, server_rss_mb: m.rss,
        encoder_fps: m.encoder.fps, encoder_kbps: m.encoder.kbps, join_failures: failures,
      });
    }
    return result;
  } finally {
    await Promise.all(clients.map((c) => stopChild(c.proc, { type: 'close' })));
    await stopChild(server.proc);
  }
}
