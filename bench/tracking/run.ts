#!/usr/bin/env node
// Tracking bench: `node dist/bench/tracking/run.js [--quick] [--out DIR]
// [--frames N] [--only REGEX] [--no-opencv]`. Records sequences from the
// synthetic aerial scene (normal, occluded, fast), runs each of our trackers
// from the true box and from a box 25 % too large, and in the same run
// OpenCV's KCF and CSRT on the same frames; adds smart-click figures and the
// per-frame budgets; prints a markdown report and writes it with the JSON to
// DIR (default bench/results) as tracking-<time>.{md,json}. Progress goes to
// stderr. Figures are measurements of this run only; nothing is asserted.

import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { record, SequenceSpec } from './sequences.js';
import { runOurs } from './ours.js';
import { opencvAvailable, runOpencv } from './opencv.js';
import { FrameResult, score } from './score.js';
import { clickFigures } from './clicks.js';
import { budgets } from './budgets.js';
import { RunRow, TrackingBench, checkTargets, markdown } from './report.js';

export interface TrackingBenchArgs {
  quick: boolean;
  frames?: number;
  only?: RegExp;
  opencv: boolean;
  out?: string;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const OURS = ['CSRT', 'KCF', 'dlib'];
const TARGETS = ['car', 'person'];

function sequences(a: TrackingBenchArgs): SequenceSpec[] {
  // Full: 15 s each; the occluded one holds two occlusions (frames 76–104 and 256–284) and 50 frames after each;
  // the turning one turns the camera by 135° (by 36° in quick mode).
  const n = a.frames ?? (a.quick ? 120 : 450);
  const occ = a.frames ?? (a.quick ? 180 : 450);
  const all: SequenceSpec[] = [
    { name: 'aerial', kind: 'aerial', frames: n },
    { name: 'aerial_occluded', kind: 'aerial_occluded', frames: occ },
    { name: 'aerial_fast', kind: 'aerial_fast', frames: n },
    // The camera turning at 9°/s (a drone yawing to follow): targets rotate in the image, their boxes change shape.
    { name: 'aerial_turning', kind: 'aerial', frames: n, pose: (i) => ({ north_m: 0, east_m: 0, alt_m: 20, yaw_deg: 0.3 * i }) },
  ];
  return a.only ? all.filter((s) => a.only!.test(s.name)) : all;
}

const log = (s: string) => process.stderr.write(`${s}\n`);

export async function runTrackingBench(a: TrackingBenchArgs): Promise<TrackingBench> {
  const started = new Date().toISOString();
  const cv = a.opencv ? opencvAvailable() : { ok: false as const, why: 'skipped (--no-opencv)' };
  const notes: string[] = [];
  if (!cv.ok) notes.push(`OpenCV trackers not run: ${cv.why}`);
  const rows: RunRow[] = [];
  const frames: Record<string, number> = {};
  let aerialRec = null;
  for (const spec of sequences(a)) {
    const rec = record(spec);
    frames[spec.name] = spec.frames;
    if (spec.name === 'aerial') aerialRec = rec;
    for (let k = 0; k < TARGETS.length; k++) {
      const g = rec.truth[0][k].bbox;
      const starts: [RunRow['start'], number[]][] = [['true', [...g]]];
      if (!a.quick) starts.push(['+25%', [g[0] - g[2] * 0.125, g[1] - g[3] * 0.125, g[2] * 1.25, g[3] * 1.25]]);
      for (const [start, box] of starts) {
        const runs: [string, string, () => Promise<FrameResult[]>][] = OURS.map((name) => [name, 'ours', () => runOurs(name, rec, box)]);
        if (cv.ok) {
          runs.push(['OpenCV KCF', 'opencv', () => runOpencv('KCF', rec, box)]);
          runs.push(['OpenCV CSRT', 'opencv', () => runOpencv('CSRT', rec, box)]);
        }
        for (const [tracker, family, fn] of runs) {
          let results: FrameResult[];
          try {
            results = await fn();
          } catch (e) {
            notes.push(`${tracker} on ${spec.name}/${TARGETS[k]}/${start}: ${(e as Error).message}`);
            continue;
          }
          const s = score(rec.truth.map((f) => f[k]), results);
          rows.push({ sequence: spec.name, tracker, family, target: TARGETS[k], start, score: s });
          log(`${spec.name.padEnd(16)} ${TARGETS[k].padEnd(6)} ${start.padEnd(4)} ${tracker.padEnd(12)} IoU ${s.mean_iou.toFixed(3)}  ≥0.5 ${s.pct_iou_50.toFixed(0).padStart(3)} %  ${s.ms_median.toFixed(2)} ms/frame`);
        }
      }
    }
  }
  aerialRec ??= record({ name: 'aerial', kind: 'aerial', frames: a.quick ? 120 : 450 });
  log('smart click…');
  const clicks = await clickFigures(aerialRec, a.quick ? 100 : 200);
  log('budgets…');
  const budgetRows = budgets(a.quick);
  const cpus = os.cpus();
  return {
    started,
    quick: a.quick,
    machine: { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, node: process.version, loadavg_start: os.loadavg(), opencv: cv.ok ? cv.version : 'absent' },
    frames,
    rows,
    clicks,
    budgets: budgetRows,
    notes,
    targets: checkTargets(rows, clicks, cv.ok),
  };
}

function parseArgs(argv: string[]): TrackingBenchArgs {
  const a: TrackingBenchArgs = { quick: false, opencv: true };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${k} needs a value`);
      return v;
    };
    if (k === '--quick') a.quick = true;
    else if (k === '--no-opencv') a.opencv = false;
    else if (k === '--out') a.out = val();
    else if (k === '--only') a.only = new RegExp(val());
    else if (k === '--frames') {
      a.frames = Number(val());
      if (!Number.isInteger(a.frames) || a.frames < 60 || a.frames > 5000) usage('--frames takes a whole number from 60 to 5000');
    } else if (k === '--help' || k === '-h') usage();
    else usage(`unknown option ${k}`);
  }
  return a;
}

function usage(msg?: string): never {
  if (msg) process.stderr.write(`${msg}\n`);
  process.stderr.write('usage: node dist/bench/tracking/run.js [--quick] [--frames N] [--only REGEX] [--no-opencv] [--out DIR]\n');
  process.exit(msg ? 2 : 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
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
}
