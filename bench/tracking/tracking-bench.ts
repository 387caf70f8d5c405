// The tracking bench as a module: `npm run bench` runs it after the WebRTC
// part (bench/run.ts) and bench/tracking/run.ts runs it alone. Records
// sequences from the synthetic aerial scene, runs each of our trackers and, in
// the same run, OpenCV's KCF and CSRT on the same frames; adds smart-click
// figures and the per-frame budgets, and checks the targets against
// this run's figures. Quick mode is a smoke check (two sequences, fewer
// frames, true start box only), its timings are not the measurement.

import os from 'node:os';
import { record, SequenceSpec } from './sequences.js';
import { runOurs } from './ours.js';
import { opencvAvailable, runOpencv } from './opencv.js';
import { FrameResult, score } from './score.js';
import { clickFigures } from './clicks.js';
import { budgets } from './budgets.js';
import { RunRow, TrackingBench, checkTargets } from './report.js';

export interface TrackingBenchOptions {
  /** Smoke check: `aerial` and `aerial_occluded` only, 120/160 frames, true start box only, our default tracker only. */
  quick: boolean;
  /** Our trackers to run (catalog names; default all three, quick: CSRT, the default). OpenCV's run whenever available. */
  ours?: string[];
  /** Frames per sequence (overrides the mode's count). */
  frames?: number;
  /** Only the sequences whose name matches. */
  only?: RegExp;
  /** Run OpenCV's trackers when /usr/bin/python3 has cv2 (default true). */
  opencv?: boolean;
  /** Progress lines (default: stderr). */
  log?: (s: string) => void;
}

export const OURS = ['CSRT', 'KCF', 'dlib'];
const TARGETS = ['car', 'person'];
/** Quick mode keeps the sequences the targets are judged on (normal scene, occluder). */
const QUICK_SEQUENCES = new Set(['aerial', 'aerial_occluded']);

function sequences(a: TrackingBenchOptions): SequenceSpec[] {
  // Full: 15 s each; the occluded one holds two occlusions (frames 76–104 and 256–284) and 50 frames after each
  // (quick: the first one and its 50 frames); the turning one turns the camera by 135° (by 36° with 120 frames).
  const n = a.frames ?? (a.quick ? 120 : 450);
  const occ = a.frames ?? (a.quick ? 160 : 450);
  const all: SequenceSpec[] = [
    { name: 'aerial', kind: 'aerial', frames: n },
    { name: 'aerial_occluded', kind: 'aerial_occluded', frames: occ },
    { name: 'aerial_fast', kind: 'aerial_fast', frames: n },
    // The camera turning at 9°/s (a drone yawing to follow): targets rotate in the image, their boxes change shape.
    { name: 'aerial_turning', kind: 'aerial', frames: n, pose: (i) => ({ north_m: 0, east_m: 0, alt_m: 20, yaw_deg: 0.3 * i }) },
  ];
  return all.filter((s) => (a.only ? a.only.test(s.name) : !a.quick || QUICK_SEQUENCES.has(s.name)));
}

export async function runTrackingBench(a: TrackingBenchOptions): Promise<TrackingBench> {
  const log = a.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const started = new Date().toISOString();
  const cv = a.opencv !== false ? opencvAvailable() : { ok: false as const, why: 'skipped (--no-opencv)' };
  const ours = a.ours ?? (a.quick ? ['CSRT'] : OURS);
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
        const runs: [string, string, () => Promise<FrameResult[]>][] = ours.map((name) => [name, 'ours', () => runOurs(name, rec, box)]);
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
