// The WebRTC part of `npm run bench` (also runnable alone: bench/webrtc/run.ts):
//   (a) bytes per viewer per second, H.264 vs MJPEG, at measured SSIM
//   (b) server CPU per WebRTC peer at 1, 10, 50 peers (node-datachannel load clients)
//   (c) first-frame time for a joining peer (Chromium, node-datachannel)
//   (d) capture→display latency in headless Chromium: MJPEG, WS and WebRTC
// (b)-(d) run against the real server in its own process. Quick mode is a
// smoke check (fewer peers, frames and joins): its figures are not the measurement.

import { readFileSync } from 'node:fs';
import { describeMachine, machineInfo } from '../machine.js';
import { runFirstFrame, runLatency } from './browser-scenarios.js';
import { runCpuScenario } from './cpu-scenario.js';
import { runQuality } from './quality.js';
import type { WebRtcBenchResult } from './report.js';

/** The server's default webrtc.bitrate_kbps, the setting the targets are judged at. */
export const DEFAULT_KBPS = 1000;
export type WebRtcPart = 'a' | 'b' | 'c' | 'd';

const loadavg = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

export async function runWebRtcBench(o: { quick: boolean; parts?: WebRtcPart[]; command: string; log: (s: string) => void }): Promise<WebRtcBenchResult> {
  const { quick, log } = o;
  const parts = o.parts ?? ['a', 'b', 'c', 'd'];
  const machine = machineInfo();
  const started = new Date();
  const result: WebRtcBenchResult = {
    started: started.toISOString(), duration_s: 0, command: o.command,
    machine: describeMachine(machine), loadavg_at_start: machine.loadavg_at_start, loadavg_at_end: NaN,
    encoder: `libx264 ultrafast/zerolatency, baseline, ${DEFAULT_KBPS} kbit/s, GOP 30 (1 s), 640x480@30, FLV framing`,
  };
  if (parts.includes('b')) {
    log('[webrtc] (b) server CPU per peer');
    result.cpu = await runCpuScenario({ steps: quick ? [1, 10] : [1, 10, 50], windowS: quick ? 3 : 10, warmupS: quick ? 2 : 3, log });
  }
  if (parts.includes('a')) {
    log('[webrtc] (a) bytes and SSIM');
    result.quality = await runQuality({
      frames: quick ? 30 : 150,
      bitrates: quick ? [DEFAULT_KBPS] : [500, 1000, 1500, 2000, 3000],
      jpegQualities: quick ? [85] : [50, 70, 85, 95],
      log,
    });
  }
  if (parts.includes('c')) {
    log('[webrtc] (c) first frame');
    result.first_frame = await runFirstFrame({ joins: quick ? 3 : 12, log });
  }
  if (parts.includes('d')) {
    log('[webrtc] (d) capture→display latency');
    result.latency = await runLatency({ seconds: quick ? 3 : 15, transports: ['mjpeg', 'ws', 'webrtc'], log });
  }
  result.duration_s = Math.round((Date.now() - started.getTime()) / 1000);
  result.loadavg_at_end = loadavg();
  return result;
}
