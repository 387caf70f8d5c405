// The per-frame budgets of the vision pieces, measured on one core: scene
// render (≤ 3 ms at 640x480), OSD per preset (≤ 1 ms), the whole-frame
// contrast detector and one re-detection attempt (run rarely, reported so
// the worker's rate can be chosen).

import {
  AerialScene, ContrastDetector, OsdRenderer, OSD_PRESETS, Redetector, TrackingSession, createTracker,
} from '../../lib/index.js';
import { percentile } from './score.js';

export interface Budget {
  what: string;
  ms_median: number;
  ms_p95: number;
  samples: number;
  budget_ms: number | null;
}

const W = 640;
const H = 480;

/** Times fn(i) n times; `prepare(i)` runs first, untimed. */
function time(n: number, fn: (i: number) => void, prepare?: (i: number) => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    prepare?.(i);
    const t0 = performance.now();
    fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

const row = (what: string, ms: number[], budget: number | null, warm: number): Budget => {
  const m = ms.slice(warm);
  return { what, ms_median: percentile(m, 50), ms_p95: percentile(m, 95), samples: m.length, budget_ms: budget };
};

export function budgets(quick: boolean): Budget[] {
  const n = quick ? 60 : 300;
  const warm = Math.min(20, n >> 2);
  const px = new Uint8Array(W * H * 3);
  const out: Budget[] = [];
  for (const kind of ['aerial', 'aerial_occluded', 'aerial_fast'] as const) {
    const scene = new AerialScene({ width: W, height: H, kind });
    out.push(row(`scene render ${kind} 640x480`, time(n + warm, (i) => scene.render(i, px)), 3, warm));
  }
  // OSD on a copy of a tracked frame, as the encoder's copy would get it.
  const scene = new AerialScene({ width: W, height: H, kind: 'aerial' });
  const frame = { data: px, width: W, height: H };
  const b = [...scene.render(0, px)[0].bbox];
  const session = new TrackingSession(createTracker('CSRT'));
  session.start(frame, { x: b[0], y: b[1], w: b[2], h: b[3] }, 0, 0);
  const copy = new Uint8Array(px.length);
  for (const preset of OSD_PRESETS) {
    const osd = new OsdRenderer(W, H, preset);
    const ms: number[] = [];
    for (let i = 1; i <= n + warm; i++) {
      const truth = scene.render(i, px);
      const o = session.process(frame, i / 30, i);
      copy.set(px);
      const t0 = performance.now();
      osd.draw(copy, {
        track: o, following: i % 2 === 0, followerProfile: 'mc_velocity_chase', timeS: 1764300000 + i / 30, fps: 30,
        detections: truth.map((t, k) => ({ bbox: t.bbox, class_name: 'object', score: 0.9, target_id: k + 1, is_selected: k === 0 })),
      });
      ms.push(performance.now() - t0);
    }
    out.push(row(`OSD ${preset} 640x480`, ms, 1, warm));
  }
  const det = new ContrastDetector();
  out.push(row('contrast detector, whole frame', time(Math.min(n, 60) + 5, () => det.detect(frame), (i) => scene.render(i, px)), null, 5));
  const red = new Redetector();
  red.setTemplate(frame, { x: b[0], y: b[1], w: b[2], h: b[3] });
  const pb = [...scene.render(0, px)[1].bbox];
  const redP = new Redetector();
  redP.setTemplate(frame, { x: pb[0], y: pb[1], w: pb[2], h: pb[3] });
  const later = (i: number) => scene.render(30 + i * 7, px);
  out.push(row('re-detection attempt, car template', time(25, () => red.search(frame, 320, 240), later), null, 5));
  out.push(row('re-detection attempt, person template', time(25, () => redP.search(frame, 320, 240), later), null, 5));
  return out;
}
