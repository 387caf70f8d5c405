import t from 'tap';
import { checkTargets, markdown, trackingTargets, type RunRow, type TrackingBench } from '../../../bench/tracking/report.js';
import type { Score } from '../../../bench/tracking/score.js';
import type { ClickFigures } from '../../../bench/tracking/clicks.js';

// Figures shaped like a run's, each test overriding what it is about.
function score(over: Partial<Score> = {}): Score {
  return {
    frames: 119, visible_frames: 119, mean_iou: 0.95, pct_iou_50: 100, mean_center_err_px: 1, losses: 0, recoveries: 0,
    ms_median: 1.5, ms_p95: 2, hidden_frames: 0, pct_usable_hidden: null, iou_after_occlusion: null, occlusions: 0, ...over,
  };
}
const row = (sequence: string, tracker: string, target: string, over: Partial<Score> = {}): RunRow =>
  ({ sequence, tracker, family: tracker.startsWith('OpenCV') ? 'opencv' : 'ours', target, start: 'true', score: score(over) });
const clicks: ClickFigures = {
  center_clicks: 100, pct_center_iou_50: 100, mean_center_iou: 0.99, bare_clicks: 100, bare_false_boxes: 0, ms_median: 0.1, ms_p95: 0.4, ms_max: 3,
};
const hidden = { hidden_frames: 29, pct_usable_hidden: 0, iou_after_occlusion: 0.81, occlusions: 1 };

function fullRows(): RunRow[] {
  const rows: RunRow[] = [];
  for (const target of ['car', 'person']) {
    rows.push(row('aerial', 'CSRT', target));
    rows.push(row('aerial', 'OpenCV KCF', target, { mean_iou: 0.8, ms_median: 10 }));
    rows.push(row('aerial', 'OpenCV CSRT', target, { mean_iou: 0.82, ms_median: 20 }));
    rows.push(row('aerial_occluded', 'CSRT', target, target === 'car' ? hidden : {}));
  }
  return rows;
}

t.test('every issue target is checked against the rows, and each can fail', async (t) => {
  const ok = checkTargets(fullRows(), clicks, true);
  t.equal(ok.length, 8 + 2 + 2 + 3, 'four per target on aerial, two for the occluded car, two comparisons, three for clicks');
  t.ok(ok.every((c) => c.met), ok.filter((c) => !c.met).map((c) => c.what).join('; '));

  const rows = fullRows();
  rows[0].score.mean_center_err_px = 4.5;
  rows[3].score.pct_usable_hidden = 25;
  for (const r of rows) if (r.tracker === 'OpenCV KCF') r.score.ms_median = 1;
  const bad = checkTargets(rows, { ...clicks, bare_false_boxes: 1 }, true).filter((c) => !c.met).map((c) => c.what);
  t.same(bad, [
    'CSRT (default), aerial, car: centre error',
    'CSRT, aerial_occluded, car: usable_for_following false on hidden frames',
    'CSRT (ours) vs OpenCV KCF: ms/frame (mean of run medians)',
    'smart click: boxes from bare-ground clicks',
  ]);
});

t.test('a target the run could not measure is listed as not met, never left out', async (t) => {
  const noCv = fullRows().filter((r) => r.family === 'ours');
  const c = checkTargets(noCv, clicks, false).filter((x) => x.measured.startsWith('not measured'));
  t.same(c.map((x) => [x.what.split(':')[0], x.met]), [['CSRT (ours) vs OpenCV CSRT', false], ['CSRT (ours) vs OpenCV KCF', false]]);

  const short = fullRows().map((r) => (r.sequence === 'aerial_occluded' ? { ...r, score: score() } : r));
  const s = checkTargets(short, clicks, true).filter((x) => x.measured.startsWith('not measured'));
  t.same(s.map((x) => x.what), ['CSRT, aerial_occluded'], 'no hidden frames in the run: the occluder targets are not measured');

  const none = checkTargets([], clicks, true).filter((x) => !x.met).map((x) => x.what);
  t.same(none, ['CSRT (default), aerial', 'CSRT, aerial_occluded', 'CSRT (ours) vs OpenCV CSRT: mean IoU over all runs',
    'CSRT (ours) vs OpenCV KCF: ms/frame (mean of run medians)']);
});

t.test('trackingTargets gives npm run bench rows noted tracking', async (t) => {
  const rows = fullRows();
  const b: TrackingBench = {
    started: '2026-11-28T10:00:00.000Z', quick: true,
    machine: { cpu: 'x', cores: 2, node: 'v20', loadavg_start: [1, 1, 1], opencv: '4.6.0' },
    frames: { aerial: 120, aerial_occluded: 160 }, rows, clicks, budgets: [], notes: [], targets: checkTargets(rows, clicks, true),
  };
  const out = trackingTargets(b);
  t.equal(out.length, b.targets.length);
  t.ok(out.every((r) => r.note === 'tracking' && r.met === true));
  t.equal(out[0].target, 'CSRT (default), aerial, car: mean IoU ≥ 0.80');
  t.ok(out.some((r) => r.target === 'CSRT (ours) vs OpenCV CSRT: mean IoU over all runs: ahead'));
  t.match(markdown(b), /### aerial_occluded \(160 frames, 640x480\)/);
});
