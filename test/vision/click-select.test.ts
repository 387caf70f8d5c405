// The click selection rule, branch by branch (control-spec.md).

import t from 'tap';
import { clickToPixels, edgeTolerance, selectClick, TimedDetection } from '../../lib/vision/click-select.js';
import type { Detection } from '../../lib/vision/types.js';

const W = 640;
const H = 480;
const det = (x: number, y: number, w: number, h: number, name = 'car'): Detection => ({ bbox: [x, y, w, h], class_id: 2, class_name: name, score: 0.9 });
const at = (d: Detection, t = 10): TimedDetection => ({ detection: d, t });
const opts = { width: W, height: H, now: 10, following: false };

t.test('inside several boxes: the smallest one', async (t) => {
  const items = [at(det(100, 100, 200, 200, 'truck')), at(det(150, 150, 40, 40, 'person')), at(det(140, 140, 80, 80, 'car'))];
  const r = selectClick(160, 160, items, opts);
  t.equal(r.status, 'selected');
  if (r.status !== 'selected') return;
  t.equal(r.rule, 'inside');
  t.equal(r.detection.class_name, 'person');
  t.equal(r.index, 1);
  t.equal(r.distance_px, 0);
});

t.test('outside every box: the nearest edge within min(0.025 × shorter side, 64 px)', async (t) => {
  t.equal(edgeTolerance(640, 480), 12);
  t.equal(edgeTolerance(7680, 4320), 64);
  const items = [at(det(100, 100, 50, 50)), at(det(300, 100, 50, 50))];
  const r = selectClick(160, 120, items, opts); // 10 px right of the first box
  t.equal(r.status, 'selected');
  if (r.status === 'selected') {
    t.equal(r.rule, 'nearest_edge');
    t.equal(r.index, 0);
    t.equal(r.distance_px, 10);
  }
  const far = selectClick(163, 120, items, opts); // 13 px: beyond 12
  t.equal(far.status, 'refused');
  if (far.status === 'refused') t.equal(far.reason, 'nothing_near');
});

t.test('two edges about as near: refused as ambiguous', async (t) => {
  // Margin max(1, 0.15 × 12) = 1.8 px.
  const items = [at(det(100, 100, 50, 50)), at(det(165, 100, 50, 50))];
  const r = selectClick(157, 120, items, opts); // 7 px from one, 8 px from the other
  t.equal(r.status, 'refused');
  if (r.status === 'refused') {
    t.equal(r.reason, 'ambiguous');
    t.same(r.candidates.sort(), [0, 1]);
    t.match(r.message, /ambiguous/);
  }
  const clear = selectClick(155, 120, items, opts); // 5 vs 10 px
  t.equal(clear.status, 'selected');
});

t.test('detections older than 0.75 s are ignored; older passes are tentative', async (t) => {
  const items = [at(det(100, 100, 50, 50), 10 - 0.8), at(det(300, 300, 50, 50), 10 - 0.5), at(det(400, 100, 50, 50), 10)];
  const stale = selectClick(120, 120, items, opts);
  t.equal(stale.status, 'refused', 'a click inside a 0.8 s old box selects nothing');
  const tentative = selectClick(320, 320, items, opts);
  t.ok(tentative.status === 'selected' && tentative.tentative, '0.5 s old: selected, tentative');
  const fresh = selectClick(420, 120, items, opts);
  t.ok(fresh.status === 'selected' && !fresh.tentative, 'newest pass: not tentative');
  const none = selectClick(120, 120, [at(det(100, 100, 50, 50), 5)], opts);
  t.ok(none.status === 'refused' && none.reason === 'no_detection');
});

t.test('refused while following, and for clicks outside the frame', async (t) => {
  const items = [at(det(100, 100, 50, 50))];
  const r = selectClick(120, 120, items, { ...opts, following: true });
  t.ok(r.status === 'refused' && r.reason === 'following', 'following');
  const out = selectClick(700, 120, items, opts);
  t.ok(out.status === 'refused' && out.reason === 'invalid_click');
  const nan = selectClick(NaN, 120, items, opts);
  t.ok(nan.status === 'refused' && nan.reason === 'invalid_click');
});

t.test('click coordinates: all within [0, 1] are normalised, else pixels', async (t) => {
  t.same(clickToPixels(0.5, 0.25, W, H), { x: 320, y: 120 });
  t.same(clickToPixels(1, 1, W, H), { x: 640, y: 480 });
  t.same(clickToPixels(320, 0.5, W, H), { x: 320, y: 0.5 });
});
