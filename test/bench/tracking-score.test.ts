// The tracking bench's scoring on hand-made runs with known answers.

import t from 'tap';
import { score, iou } from '../../bench/tracking/score.js';
import type { TargetTruth } from '../../lib/vision/index.js';

const gt = (x: number, visible = true): TargetTruth => ({ id: 1, class_name: 'car', bbox: [x, 0, 10, 10], visible });
const r = (x: number | null, measured = true, usable = measured, ms = 1) => ({ box: x === null ? null : [x, 0, 10, 10], measured, usable, ms });

t.test('IoU, hit rate, centre error', async (t) => {
  t.equal(iou([0, 0, 10, 10], [5, 0, 10, 10]), 50 / 150);
  const truth = [gt(0), gt(0), gt(0), gt(0), gt(0)];
  const s = score(truth, [r(0), r(0), r(5), r(20), r(null, false)]);
  t.equal(s.frames, 4, 'frame 0 (the start box) is not scored');
  t.equal(s.visible_frames, 4);
  t.ok(Math.abs(s.mean_iou - (1 + 1 / 3 + 0 + 0) / 4) < 1e-12);
  t.equal(s.pct_iou_50, 25);
  // Errors 0, 5, 20 and, without a box, the target's diagonal.
  t.ok(Math.abs(s.mean_center_err_px - (0 + 5 + 20 + Math.hypot(10, 10)) / 4) < 1e-12);
  t.equal(s.losses, 1);
  t.equal(s.recoveries, 0);
});

t.test('hidden frames, usable while hidden, IoU over the 50 frames after each occlusion', async (t) => {
  const truth: TargetTruth[] = [];
  const res = [];
  for (let i = 0; i < 200; i++) {
    const hidden = (i >= 20 && i < 30) || (i >= 100 && i < 110);
    truth.push(gt(0, !hidden));
    // Usable on 2 of the 20 hidden frames; after the first occlusion the box is off for 25 frames.
    const off = i >= 30 && i < 55;
    res.push(r(off ? 5 : 0, !hidden, hidden ? i === 20 || i === 100 : true));
  }
  const s = score(truth, res);
  t.equal(s.hidden_frames, 20);
  t.equal(s.pct_usable_hidden, 10);
  t.equal(s.occlusions, 2);
  // After the first: 25 frames at 1/3 and 25 at 1; after the second: 50 at 1.
  t.ok(Math.abs(s.iou_after_occlusion! - (25 / 3 + 25 + 50) / 100) < 1e-12, `${s.iou_after_occlusion}`);
  t.equal(s.losses, 2);
  t.equal(s.recoveries, 2);
  t.equal(score([gt(0), gt(0)], [r(0), r(0)]).iou_after_occlusion, null);
});
