// OpenCV's KCF and CSRT (Debian's python3-opencv) on the same recorded
// frames: one Python process per run, frames written to its stdin as raw
// RGB, one result line back per frame. Absent Python or cv2: a note, no run.

import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FrameResult } from './score.js';
import { Recording, replay } from './sequences.js';

const PYTHON = '/usr/bin/python3';
const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bench/tracking/opencv-tracker.py');

/** OpenCV's version, or why it cannot run here. */
export function opencvAvailable(): { ok: true; version: string } | { ok: false; why: string } {
  const r = spawnSync(PYTHON, ['-c', 'import cv2; cv2.TrackerKCF_create(); cv2.TrackerCSRT_create(); print(cv2.__version__)'], { encoding: 'utf8' });
  if (r.error) return { ok: false, why: `${PYTHON}: ${r.error.message}` };
  if (r.status !== 0) return { ok: false, why: `${PYTHON} cannot use cv2 trackers: ${(r.stderr || '').trim().split('\n').pop()}` };
  return { ok: true, version: r.stdout.trim() };
}

export async function runOpencv(kind: 'KCF' | 'CSRT', rec: Recording, start: number[]): Promise<FrameResult[]> {
  const child = spawn(PYTHON, [script, kind, String(rec.width), String(rec.height), ...start.map(String)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
  const next = async (): Promise<string> => {
    const r = await lines.next();
    if (r.done) throw new Error(`opencv ${kind} ended early: ${stderr.trim()}`);
    if (r.value.startsWith('error')) throw new Error(`opencv ${kind}: ${r.value}`);
    return r.value;
  };
  await next(); // version line
  const out: FrameResult[] = [];
  try {
    // One frame in flight: write it, wait for its line (the tracker's time is measured in Python).
    await replay(rec, async (_i, px) => {
      if (!child.stdin.write(px)) await new Promise((r) => child.stdin.once('drain', r));
      const [ok, x, y, w, h, ms] = (await next()).split(' ').map(Number);
      out.push({ box: ok ? [x, y, w, h] : null, measured: ok === 1, usable: ok === 1, ms });
    });
  } finally {
    child.stdin.end();
    await new Promise((r) => child.once('close', r));
  }
  out[0].ms = 0;
  return out;
}
