#!/usr/bin/env node
// The tracking bench alone: `node dist/bench/tracking/run.js [--quick] [--out DIR]
// [--frames N] [--only REGEX] [--trackers CSRT,KCF,dlib] [--no-opencv]` (`npm run bench` runs it too,
// after the WebRTC part, into the same report). Prints the markdown report
// and writes it with the JSON to DIR (default bench/results) as
// tracking-<time>.{md,json}. Progress goes to stderr. Figures are
// measurements of this run only; nothing is asserted.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdown } from './report.js';
import { OURS, runTrackingBench, type TrackingBenchOptions } from './tracking-bench.js';
import { numberFlag, parseFlags } from '../flags.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const log = (s: string) => process.stderr.write(`${s}\n`);

function parseArgs(argv: string[]): TrackingBenchOptions & { out?: string } {
  const a: TrackingBenchOptions & { out?: string } = { quick: false, opencv: true, log };
  parseFlags(argv, (k, value) => {
    if (k === '--quick') a.quick = true;
    else if (k === '--no-opencv') a.opencv = false;
    else if (k === '--out') a.out = value();
    else if (k === '--only') a.only = new RegExp(value());
    else if (k === '--trackers') {
      a.ours = value().split(',');
      const bad = a.ours.filter((n) => !OURS.includes(n));
      if (bad.length) usage(`--trackers takes a comma-separated list of ${OURS.join(', ')}; not ${bad.join(', ')}`);
    } else if (k === '--frames') a.frames = numberFlag(k, value(), 60, 5000, usage);
    else return false;
    return true;
  }, usage);
  return a;
}

function usage(msg?: string): never {
  if (msg) process.stderr.write(`${msg}\n`);
  process.stderr.write('usage: node dist/bench/tracking/run.js [--quick] [--frames N] [--only REGEX] [--trackers CSRT,KCF,dlib] [--no-opencv] [--out DIR]\n');
  process.exit(msg ? 2 : 0);
}

const args = parseArgs(process.argv.slice(2));
const bench = await runTrackingBench(args);
const md = markdown(bench);
process.stdout.write(md);
const dir = args.out ?? path.join(root, 'bench/results');
mkdirSync(dir, { recursive: true });
const stamp = bench.started.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
writeFileSync(path.join(dir, `tracking-${stamp}.json`), JSON.stringify(bench, null, 2) + '\n');
writeFileSync(path.join(dir, `tracking-${stamp}.md`), md);
log(`wrote ${path.join(dir, `tracking-${stamp}`)}.{md,json}`);
