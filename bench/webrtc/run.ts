// The WebRTC bench alone: node dist/bench/webrtc/run.js [--quick] [--only a,b,c,d] [--out DIR]
// (`npm run bench` runs it too, after the MJPEG/WS scenarios, into the same report.)
// Writes bench/results/webrtc-<time>.{json,md,svg} and prints the markdown.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderMarkdown, renderSvg } from './report.js';
import { DEFAULT_KBPS, runWebRtcBench, type WebRtcPart } from './webrtc-bench.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const parts = (argv.includes('--only') ? argv[argv.indexOf('--only') + 1].split(',') : ['a', 'b', 'c', 'd']) as WebRtcPart[];
const outDir = argv.includes('--out') ? argv[argv.indexOf('--out') + 1] : path.resolve(here, '../../../bench/results');

const result = await runWebRtcBench({ quick, parts, command: `node dist/bench/webrtc/run.js ${argv.join(' ')}`.trim(), log: (s) => console.error(s) });
const stamp = result.started.replace(/[:.]/g, '-').replace(/-\d+Z$/, 'Z');
mkdirSync(outDir, { recursive: true });
const base = path.join(outDir, `webrtc-${stamp}${quick ? '-quick' : ''}`);
writeFileSync(`${base}.json`, JSON.stringify(result, null, 2));
writeFileSync(`${base}.md`, renderMarkdown(result, DEFAULT_KBPS) + '\n');
if (result.cpu) writeFileSync(`${base}.svg`, renderSvg(result));
console.log(renderMarkdown(result, DEFAULT_KBPS));
console.error(`written: ${base}.{json,md${result.cpu ? ',svg' : ''}}`);
