// WebRTC bench: node dist/bench/webrtc/run.js [--quick] [--only a,b,c,d] [--out DIR]
//   (a) bytes per viewer per second, H.264 vs MJPEG, at measured SSIM
//   (b) server CPU per WebRTC peer at 1, 10, 50 peers (node-datachannel load clients)
//   (c) first-frame time for a joining peer (Chromium, node-datachannel)
//   (d) capture→display latency in headless Chromium (FLV and Annex-B framing)
// Writes bench/results/webrtc-<time>.{json,md,svg} and prints the markdown.
// --quick is a smoke check (< 2 min): fewer peers, frames and joins; its
// figures are not the measurement.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, machineInfo } from '../machine.js';
import { runFirstFrame, runLatency } from './browser-scenarios.js';
import { runCpuScenario } from './cpu-scenario.js';
import { runQuality } from './quality.js';
import { renderMarkdown, renderSvg, type WebRtcBenchResult } from './report.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1].split(',') : ['a', 'b', 'c', 'd'];
const outDir = argv.includes('--out') ? argv[argv.indexOf('--out') + 1] : path.resolve(here, '../../../bench/results');
const log = (s: string) => console.error(s);
const loadavg = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
const DEFAULT_KBPS = 1000;

const machine = machineInfo();
const started = new Date();
const result: WebRtcBenchResult = {
  started: started.toISOString(), duration_s: 0, command: `node dist/bench/webrtc/run.js ${argv.join(' ')}`.trim(),
  machine: describeMachine(machine), loadavg_at_start: machine.loadavg_at_start, loadavg_at_end: NaN,
  encoder: `libx264 ultrafast/zerolatency, baseline, ${DEFAULT_KBPS} kbit/s, GOP 30 (1 s), 640x480@30, FLV framing`,
};

if (only.includes('b')) {
  log('(b) server CPU per peer');
  result.cpu = await runCpuScenario({ steps: quick ? [1, 10] : [1, 10, 50], windowS: quick ? 3 : 10, warmupS: quick ? 2 : 3, log });
}
if (only.includes('a')) {
  log('(a) bytes and SSIM');
  result.quality = await runQuality({
    frames: quick ? 30 : 150,
    bitrates: quick ? [DEFAULT_KBPS] : [500, 1000, 1500, 2000, 3000],
    jpegQualities: quick ? [85] : [50, 70, 85, 95],
    log,
  });
}
if (only.includes('c')) {
  log('(c) first frame');
  result.first_frame = await runFirstFrame({ joins: quick ? 3 : 12, log });
}
if (only.includes('d')) {
  log('(d) capture→display latency');
  result.latency = [await runLatency({ seconds: quick ? 3 : 15, framing: 'flv', log })];
  if (!quick) result.latency.push(await runLatency({ seconds: 15, framing: 'annexb', log }));
}

result.duration_s = Math.round((Date.now() - started.getTime()) / 1000);
result.loadavg_at_end = loadavg();
const stamp = result.started.replace(/[:.]/g, '-').replace(/-\d+Z$/, 'Z');
mkdirSync(outDir, { recursive: true });
const base = path.join(outDir, `webrtc-${stamp}${quick ? '-quick' : ''}`);
const md = renderMarkdown(result, DEFAULT_KBPS);
writeFileSync(`${base}.json`, JSON.stringify(result, null, 2));
writeFileSync(`${base}.md`, md + '\n');
if (result.cpu) writeFileSync(`${base}.svg`, renderSvg(result));
console.log(md);
log(`written: ${base}.{json,md${result.cpu ? ',svg' : ''}}`);
