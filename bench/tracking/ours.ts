// Runs one of our catalog trackers, through the tracking session (what the
// telemetry would show), over a recorded sequence.

import { TrackingSession, createTracker } from '../../lib/index.js';
import { FrameResult } from './score.js';
import { Recording, replay } from './sequences.js';

export async function runOurs(name: string, rec: Recording, start: number[]): Promise<FrameResult[]> {
  const session = new TrackingSession(createTracker(name));
  const out: FrameResult[] = [];
  await replay(rec, (i, px) => {
    const frame = { data: px, width: rec.width, height: rec.height };
    const t = i / rec.fps;
    if (i === 0) {
      session.start(frame, { x: start[0], y: start[1], w: start[2], h: start[3] }, t, i);
      out.push({ box: [...start], measured: true, usable: true, ms: 0 });
      return;
    }
    const t0 = performance.now();
    const o = session.process(frame, t, i);
    const ms = performance.now() - t0;
    out.push({ box: o.bbox ? [...o.bbox] : null, measured: o.target_state === 'measured', usable: o.usable_for_following, ms });
  });
  return out;
}
