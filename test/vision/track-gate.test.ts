// Confidence and gating per the spec, branch by branch.

import t from 'tap';
import { TrackGate } from '../../lib/vision/track-gate.js';

const DIAG = 800; // 640x480
const pastGrace = (g: TrackGate) => {
  for (let i = 0; i < 10; i++) g.judge(0, DIAG, 1, 1);
};

t.test('motion and appearance blend 50/50, then an EMA with α 0.7', async (t) => {
  const g = new TrackGate();
  const v1 = g.judge(100, DIAG, 0.8, 1); // motion 1 − 100/200 = 0.5
  t.equal(v1.motion, 0.5);
  t.ok(Math.abs(v1.confidence - 0.65) < 1e-12, 'first frame: the raw blend');
  const v2 = g.judge(0, DIAG, 1, 1);
  t.ok(Math.abs(v2.confidence - (0.7 * 1 + 0.3 * 0.65)) < 1e-12, 'then 0.7·new + 0.3·old');
});

t.test('the first 10 frames are a grace period', async (t) => {
  const g = new TrackGate();
  for (let i = 0; i < 10; i++) t.ok(g.judge(0, DIAG, 0.1, 1).accepted, `frame ${i + 1} accepted despite appearance 0.1`);
  const v = g.judge(0, DIAG, 0.1, 1);
  t.notOk(v.accepted, 'frame 11 rejected');
  t.equal(v.reason, 'appearance_mismatch');
});

t.test('each rejection rule', async (t) => {
  const cases: [string, number, number, number, string, string][] = [
    ['jump > 0.6 × diagonal', 0.61 * DIAG, 1, 1, 'tracker_failed', 'jump'],
    ['scale change > 0.5', 0, 1, 1.6, 'tracker_failed', 'scale_change'],
    ['scale change < −0.5', 0, 1, 0.45, 'tracker_failed', 'scale_change'],
    ['appearance < 0.7', 0, 0.69, 1, 'appearance_mismatch', 'appearance'],
  ];
  for (const [name, disp, app, scale, reason, detail] of cases) {
    const g = new TrackGate();
    pastGrace(g);
    const v = g.judge(disp, DIAG, app, scale);
    t.notOk(v.accepted, `${name}: rejected`);
    t.equal(v.reason, reason, `${name}: ${reason}`);
    t.equal(v.detail, detail);
    t.notOk(v.usable);
  }
  // Low smoothed confidence: appearance fine (0.7) but motion 0 drags the EMA under 0.45.
  const g = new TrackGate();
  pastGrace(g);
  let v = g.judge(0.55 * DIAG, DIAG, 0.7, 1);
  for (let i = 0; i < 5 && v.accepted; i++) v = g.judge(0.55 * DIAG, DIAG, 0.7, 1);
  t.equal(v.reason, 'low_confidence', `smoothed ${v.confidence.toFixed(3)} < 0.45`);
  const ok = new TrackGate();
  pastGrace(ok);
  t.ok(ok.judge(0.59 * DIAG, DIAG, 1, 1.49).accepted, 'just inside every limit: accepted');
});

t.test('after a rejection three good frames in a row are needed before output is usable', async (t) => {
  const g = new TrackGate();
  pastGrace(g);
  t.ok(g.judge(0, DIAG, 1, 1).usable, 'usable before any rejection');
  t.notOk(g.judge(0, DIAG, 0.2, 1).accepted);
  const u1 = g.judge(0, DIAG, 1, 1);
  const u2 = g.judge(0, DIAG, 1, 1);
  t.ok(u1.accepted && u2.accepted, 'accepted again at once');
  t.notOk(u1.usable || u2.usable, 'but not usable for 2 frames');
  t.ok(g.judge(0, DIAG, 1, 1).usable, 'usable at the third');
  t.notOk(g.fail('tracker_failed', 'no_measurement').usable, 'a failed frame is not usable');
  g.judge(0, DIAG, 1, 1);
  g.judge(0, DIAG, 1, 1);
  t.notOk(g.judge(0, DIAG, 0.69, 1).usable, 'a rejection resets the count');
  g.judge(0, DIAG, 1, 1);
  g.judge(0, DIAG, 1, 1);
  t.ok(g.judge(0, DIAG, 1, 1).usable);
});
