// The scenario list: what `npm run bench` runs, and the short subset
// `--quick` runs as a smoke check of the harness.

import { availableParallelism } from 'node:os';
import type { ServerKind } from './server-process.js';

export type Transport = 'mjpeg' | 'ws';
export type Group = 'fanout' | 'resolution' | 'throughput' | 'mixed' | 'slow' | 'passthrough';

export interface Scenario {
  id: string;
  group: Group;
  /** The configuration this point belongs to: one line per configuration in the chart. */
  config: string;
  server: ServerKind;
  transport: Transport;
  clients: number;
  /** Clients (of `clients`) that stop reading during the measurement window. */
  slow?: number;
  width: number;
  height: number;
  /** Capture fps; 0 = as fast as the encoders take frames. */
  fps: number;
  workers: number;
  encoder: 'pool' | 'main_thread';
  /** Concurrent keep-alive connections hammering GET /status during the window. */
  restConnections?: number;
  /** auto: wrk when installed, else the built-in loop. The smoke check always uses the built-in loop. */
  restTool?: 'auto' | 'builtin';
  warmupMs: number;
  measureMs: number;
  /** Frames from the emulated V4L2 MJPEG camera instead of the synthetic one. */
  camera?: 'v4l2-mjpeg';
  /** Query string the stream clients add (e.g. quality=80). */
  query?: string;
  /** 1-based round of a repeated scenario (bench/rounds.ts); absent when it runs once. */
  round?: number;
}

/** Chart lines and ablation names. */
export const CONFIGS = {
  real: 'uWS + pool',
  realWs: 'uWS + pool (WS)',
  ablationA: 'uWS + main-thread sharp (a)',
  ablationB: 'node:http + pool (b)',
  passthrough: 'MJPEG camera, passthrough',
  reencode: 'MJPEG camera, decode + re-encode',
  plainNode: 'node:http + main-thread sharp',
} as const;

export interface PlanOptions {
  quick: boolean;
  /** Regular expression on scenario ids. */
  only?: RegExp;
  measureMs?: number;
  warmupMs?: number;
  /** Rounds of the headline scenarios (400-client fan-out, 1080p throughput); default 3, quick 1. */
  rounds?: number;
}

export function plan(o: PlanOptions): Scenario[] {
  const warmupMs = o.warmupMs ?? (o.quick ? 1000 : 3000);
  const measureMs = o.measureMs ?? (o.quick ? 1500 : 10000);
  const base = { width: 640, height: 480, fps: 30, workers: 0, encoder: 'pool' as const, warmupMs, measureMs };
  const rounds = Math.max(1, o.rounds ?? (o.quick ? 1 : 3));
  const out: Scenario[] = [];
  // The headline figures run `rounds` times, all configurations back to back
  // in each round, so each round's ratios see the same machine load.
  const repeat = (block: () => void) => {
    for (let r = 1; r <= rounds; r++) {
      const from = out.length;
      block();
      if (rounds > 1) for (let i = from; i < out.length; i++) out[i].round = r;
    }
  };
  const fanout = (n: number, withPlain: boolean) => {
    // Interleaved per client count: the real configuration and its ablations
    // run back to back, so their ratios see the same machine load.
    out.push({ ...base, id: `mjpeg-${n}`, group: 'fanout', config: CONFIGS.real, server: 'uws', transport: 'mjpeg', clients: n });
    out.push({ ...base, id: `ws-${n}`, group: 'fanout', config: CONFIGS.realWs, server: 'uws', transport: 'ws', clients: n });
    out.push({ ...base, id: `mjpeg-${n}-nodehttp`, group: 'fanout', config: CONFIGS.ablationB, server: 'node-http', transport: 'mjpeg', clients: n });
    out.push({ ...base, id: `mjpeg-${n}-mainthread`, group: 'fanout', config: CONFIGS.ablationA, server: 'uws', transport: 'mjpeg', clients: n, encoder: 'main_thread' });
    if (withPlain) out.push({ ...base, id: `mjpeg-${n}-plainnode`, group: 'fanout', config: CONFIGS.plainNode, server: 'node-http', transport: 'mjpeg', clients: n, encoder: 'main_thread' });
  };
  const throughput = (w: number, h: number, workers: number[]) => {
    for (const k of workers) {
      out.push({ ...base, id: `throughput-${h}p-w${k}`, group: 'throughput', config: `${k} worker${k > 1 ? 's' : ''}`, server: 'uws', transport: 'mjpeg', clients: 1, width: w, height: h, fps: 0, workers: k });
    }
  };
  if (o.quick) {
    fanout(20, false);
    throughput(320, 240, [1, 2]);
    out.push({ ...base, id: 'mixed-10', group: 'mixed', config: CONFIGS.real, server: 'uws', transport: 'mjpeg', clients: 10, restConnections: 10, restTool: 'builtin' });
    out.push({ ...base, id: 'slow-8+2', group: 'slow', config: CONFIGS.real, server: 'uws', transport: 'mjpeg', clients: 10, slow: 2 });
  } else {
    for (const n of [1, 50, 200]) fanout(n, true);
    repeat(() => fanout(400, true));
    out.push({ ...base, id: 'mjpeg-720p-50', group: 'resolution', config: CONFIGS.real, server: 'uws', transport: 'mjpeg', clients: 50, width: 1280, height: 720 });
    out.push({ ...base, id: 'mjpeg-1080p-50', group: 'resolution', config: CONFIGS.real, server: 'uws', transport: 'mjpeg', clients: 50, width: 1920, height: 1080 });
    // Ablation (a) where encoding is heavy: a 1080p encode on the event loop delays every send.
    out.push({ ...base, id: 'mjpeg-1080p-50-mainthread', group: 'resolution', config: CONFIGS.ablationA, server: 'uws', transport: 'mjpeg', clients: 50, width: 1920, height: 1080, encoder: 'main_thread' });
    const n = availableParallelism();
    repeat(() => throughput(1920, 1080, [...new Set([1, 2, n])]));
    // Issue 5: camera JPEGs passed through untouched vs decoded and re-encoded
    // (clients asking for another quality), 720p@30 from the emulated device.
    const cam = { ...base, group: 'passthrough' as const, server: 'uws' as const, transport: 'mjpeg' as const, clients: 50, width: 1280, height: 720, camera: 'v4l2-mjpeg' as const };
    out.push({ ...cam, id: 'passthrough-720p-50', config: CONFIGS.passthrough });
    out.push({ ...cam, id: 'reencode-720p-50', config: CONFIGS.reencode, query: 'quality=80' });
    out.push({ ...base, id: 'mixed-50', group: 'mixed', config: CONFIGS.real, server: 'uws', transport: 'mjpeg', clients: 50, restConnections: 50, restTool: 'auto' });
    // Twice the window: RSS is a GC sawtooth, and a trend needs a few of its periods.
    out.push({ ...base, id: 'slow-mjpeg-40+10', group: 'slow', config: CONFIGS.real, server: 'uws', transport: 'mjpeg', clients: 50, slow: 10, measureMs: 2 * measureMs });
    out.push({ ...base, id: 'slow-ws-40+10', group: 'slow', config: CONFIGS.realWs, server: 'uws', transport: 'ws', clients: 50, slow: 10, measureMs: 2 * measureMs });
  }
  return o.only ? out.filter((s) => o.only!.test(s.id)) : out;
}
