#!/usr/bin/env node
// The follow bench alone: `node dist/bench/vehicle/follow-run.js [--quick]
// [--window S] [--only REGEX] [--out DIR]` (`npm run bench` runs it too, as its
// `follow` part, into the same report). Prints the markdown report and writes
// it with the JSON to DIR (default bench/results) as follow-<time>.{md,json}.
// Progress goes to stderr. Figures are measurements of this run only.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdown } from './follow-report.js';
import { runFollowBench, type FollowBenchOptions } from './follow-bench.js';
import { numberFlag, parseFlags } from '../flags.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const log = (s: string) => process.stderr.write(`${s}\n`);

function parseArgs(argv: string[]): FollowBenchOptions & { out?: string } {
  const a: FollowBenchOptions & { out?: string } = { quick: false, log };
  parseFlags(argv, (k, value) => {
    if (k === '--quick') a.quick = true;
    else if (k === '--out') a.out = value();
    else if (k === '--only') a.only = new RegExp(value());
    else if (k === '--window') a.windowS = numberFlag(k, value(), 2, 300, usage, false);
    else return false;
    return true;
  }, usage);
  return a;
}

function usage(msg?: string): never {
  if (msg) process.stderr.write(`${msg}\n`);
  process.stderr.write("usage: node dist/bench/vehicle/follow-run.js [--quick] [--window S] [--only 'default/person|relaxed/car'] [--out DIR]\n");
  process.exit(msg ? 2 : 0);
}

const args = parseArgs(process.argv.slice(2));
const bench = await runFollowBench(args);
const md = markdown(bench);
process.stdout.write(md);
const dir = args.out ?? path.join(root, 'bench/results');
mkdirSync(dir, { recursive: true });
const stamp = bench.started.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
writeFileSync(path.join(dir, `follow-${stamp}.json`), JSON.stringify(bench, null, 2) + '\n');
writeFileSync(path.join(dir, `follow-${stamp}.md`), md);
log(`wrote ${path.join(dir, `follow-${stamp}`)}.{md,json}`);
