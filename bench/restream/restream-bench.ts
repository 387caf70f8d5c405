// The restream part of `npm run bench`: does a restream target cost the
// local viewers anything, and does a dead one cost more than a live one?
// The real server in its own process serves N MJPEG viewers while the
// shared H.264 encode is (a) idle — no target, (b) sent as RTP to a live
// receiver on 127.0.0.1, (c) sent to a port nobody listens on (every few
// packets come back as ICMP port unreachable: the target shows `failing`).
// The configurations are interleaved over rounds (this 2-core machine is
// noisy); each reports the viewers' median fps, the server's CPU and what
// the target sent. The claim is (c) ≈ (b) for the viewers.

import dgram from 'node:dgram';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { MjpegParser } from '../mjpeg-parser.js';
import { cpuSample } from '../proc-stats.js';
import { freeUdpPort } from '../udp-port.js';
import { getJson, startServerProcess } from '../server-process.js';

export type RestreamConfigName = 'idle' | 'live' | 'dead';

export interface RestreamRound {
  config: RestreamConfigName;
  round: number;
  viewers: number;
  /** Median over viewers of frames received per second in the window. */
  fps_median: number;
  fps_min: number;
  /** Server process CPU, % of one core, over the window. */
  cpu_pct: number;
  /** What the target reported at the end of the window (null: no target). */
  target: { state: string; packets_per_s: number; kbps: number; errors: number; dropped_access_units: number } | null;
  /** Packets our receiver got per second (live only). */
  received_per_s: number | null;
}

export interface RestreamBench {
  started: string;
  quick: boolean;
  window_s: number;
  viewers: number;
  machine: { cpu: string; cores: number; node: string; loadavg_start: number[]; loadavg_end: number[] };
  rounds: RestreamRound[];
  /** Per configuration, the median over rounds. */
  summary: { config: RestreamConfigName; fps_median: number; cpu_pct: number; packets_per_s: number | null; state: string | null }[];
  targets: { what: string; target: string; measured: string; met: boolean | null }[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};


/** One MJPEG viewer counting complete frames (the parser reads the raw response, head included). */
function viewer(port: number): { frames: () => number; close: () => void } {
  let frames = 0;
  const sock = net.connect({ host: '127.0.0.1', port });
  const parser = new MjpegParser({ frame: () => { frames++; }, error: () => sock.destroy() });
  sock.on('connect', () => sock.write(`GET /video_feed HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`));
  sock.on('data', (c: Buffer) => parser.push(c));
  sock.on('error', () => {});
  return { frames: () => frames, close: () => sock.destroy() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runOne(config: RestreamConfigName, round: number, o: { viewers: number; windowS: number; warmupS: number }): Promise<RestreamRound> {
  let receiver: dgram.Socket | null = null;
  let received = 0;
  let port = 0;
  if (config === 'live') {
    receiver = dgram.createSocket('udp4');
    receiver.on('message', () => { received++; });
    await new Promise<void>((r) => receiver!.bind(0, '127.0.0.1', r));
    port = (receiver.address() as AddressInfo).port;
  } else if (config === 'dead') {
    port = await freeUdpPort();
  }
  const targets = config === 'idle' ? [] : [{ label: 'bench', type: 'rtp', host: '127.0.0.1', video_port: port, payload_type: 96 }];
  const server = await startServerProcess('uws', {
    streaming: { fps: 30, max_http_clients: 1000, max_clients_per_address: 1000 }, vehicle: { connection: 'none' },
    auth: { viewer_access: 'open' }, restream: { targets },
  });
  try {
    const viewers = Array.from({ length: o.viewers }, () => viewer(server.port));
    await sleep(o.warmupS * 1000);
    const f0 = viewers.map((v) => v.frames());
    const c0 = cpuSample(server.pid);
    const r0 = received;
    const s0 = config === 'idle' ? null : ((await getJson(server.port, '/api/restream')).targets[0] as Record<string, number>);
    await sleep(o.windowS * 1000);
    const f1 = viewers.map((v) => v.frames());
    const c1 = cpuSample(server.pid);
    const r1 = received;
    const s1 = config === 'idle' ? null : ((await getJson(server.port, '/api/restream')).targets[0] as Record<string, unknown>);
    const secs = (c1.t - c0.t) / 1000;
    for (const v of viewers) v.close();
    const fps = f1.map((f, i) => (f - f0[i]) / secs);
    return {
      config, round, viewers: o.viewers, fps_median: median(fps), fps_min: Math.min(...fps),
      cpu_pct: ((c1.totalUs - c0.totalUs) / 1e6 / secs) * 100,
      target: s0 && s1 ? {
        state: String(s1.state), packets_per_s: (Number(s1.packets) - s0.packets) / secs, kbps: ((Number(s1.bytes) - s0.bytes) * 8) / 1000 / secs,
        errors: Number(s1.errors), dropped_access_units: Number(s1.dropped_access_units),
      } : null,
      received_per_s: config === 'live' ? (r1 - r0) / secs : null,
    };
  } finally {
    await server.stop();
    receiver?.close();
  }
}

export async function runRestreamBench(a: { quick: boolean; log?: (line: string) => void }): Promise<RestreamBench> {
  const log = a.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const started = new Date().toISOString();
  const o = { viewers: a.quick ? 5 : 20, windowS: a.quick ? 3 : 10, warmupS: a.quick ? 3 : 4 };
  const roundsN = a.quick ? 1 : 3;
  const configs: RestreamConfigName[] = ['live', 'dead', 'idle'];
  const rounds: RestreamRound[] = [];
  const loadStart = os.loadavg();
  for (let round = 1; round <= roundsN; round++) {
    for (const config of configs) {
      const r = await runOne(config, round, o);
      rounds.push(r);
      log(`round ${round} ${config.padEnd(4)}: viewers ${r.fps_median.toFixed(1)} fps median (min ${r.fps_min.toFixed(1)}), server CPU ${r.cpu_pct.toFixed(0)} %` +
        (r.target ? `, target ${r.target.state} ${r.target.packets_per_s.toFixed(0)} pkt/s ${r.target.kbps.toFixed(0)} kbit/s, ${r.target.errors} errors` : '') +
        (r.received_per_s !== null ? `, received ${r.received_per_s.toFixed(0)} pkt/s` : ''));
    }
  }
  const summary = configs.map((config) => {
    const rs = rounds.filter((r) => r.config === config);
    const pk = rs.map((r) => r.target?.packets_per_s).filter((x): x is number => x !== undefined);
    return {
      config, fps_median: median(rs.map((r) => r.fps_median)), cpu_pct: median(rs.map((r) => r.cpu_pct)),
      packets_per_s: pk.length ? median(pk) : null, state: rs.at(-1)?.target?.state ?? null,
    };
  });
  const by = (c: RestreamConfigName) => summary.find((s) => s.config === c)!;
  const ratio = by('dead').fps_median / by('live').fps_median;
  const targets = [
    {
      what: 'restream', target: 'a dead target leaves local viewers at the live target\'s rate (≥ 0.95x)',
      measured: `${by('dead').fps_median.toFixed(1)} vs ${by('live').fps_median.toFixed(1)} fps median (${ratio.toFixed(2)}x), target state ${by('dead').state}`,
      met: a.quick ? null : ratio >= 0.95 && by('dead').state === 'failing',
    },
    {
      what: 'restream', target: 'cost of one restream target (reference)',
      measured: `server process CPU (ffmpeg child not counted) ${by('idle').cpu_pct.toFixed(0)} % idle encoder, ${by('live').cpu_pct.toFixed(0)} % live, ${by('dead').cpu_pct.toFixed(0)} % dead target`,
      met: null,
    },
  ];
  const cpus = os.cpus();
  return {
    started, quick: a.quick, window_s: o.windowS, viewers: o.viewers,
    machine: { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, node: process.version, loadavg_start: loadStart, loadavg_end: os.loadavg() },
    rounds, summary, targets,
  };
}

export function restreamMarkdown(b: RestreamBench): string {
  const lines = [
    `${b.quick ? 'SMOKE RUN (--quick): not the measurement. ' : ''}${b.viewers} MJPEG viewers at 640x480@30, ${b.window_s} s windows, configurations interleaved over ${Math.max(...b.rounds.map((r) => r.round))} round(s); ` +
      `load average ${b.machine.loadavg_start.map((x) => x.toFixed(1)).join('/')} at start, ${b.machine.loadavg_end.map((x) => x.toFixed(1)).join('/')} at end.`,
    '',
    '| H.264 encode / restream target | viewers fps (median of rounds) | server process CPU % (the ffmpeg encoder, a child process, not included) | target packets/s sent | target state |',
    '|---|---|---|---|---|',
    ...b.summary.map((s) => `| ${s.config === 'idle' ? 'idle (no target)' : s.config === 'live' ? 'RTP to a live receiver' : 'RTP to a closed port (ICMP unreachable)'} | ${s.fps_median.toFixed(1)} | ${s.cpu_pct.toFixed(0)} | ${s.packets_per_s === null ? '—' : s.packets_per_s.toFixed(0)} | ${s.state ?? '—'} |`),
    '',
    ...b.targets.map((t) => `- ${t.target}: ${t.measured} → ${t.met === null ? 'reference' : t.met ? 'met' : 'NOT met'}`),
  ];
  return lines.join('\n');
}

export function restreamTargets(b: RestreamBench): { target: string; measured: string; met: boolean | null; note: string }[] {
  return b.targets.map((t) => ({ target: `${t.what}: ${t.target}`, measured: t.measured, met: t.met, note: 'restream' }));
}
