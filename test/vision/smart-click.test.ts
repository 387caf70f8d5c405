// Smart click end to end on rendered frames: detections from the low-rate
// pass plus the segment at the click, then the selection rule.

import t from 'tap';
import { SmartClick } from '../../lib/vision/smart-click.js';
import { ContrastDetector } from '../../lib/vision/contrast-detector.js';
import { AerialScene } from '../../lib/capture/synthetic/aerial-scene.js';
import { iou } from '../helpers/boxes.js';

const W = 640;
const H = 480;

t.test('clicking each target selects it; bare ground and following select nothing', async (t) => {
  const s = new AerialScene({ width: W, height: H, kind: 'aerial' });
  const data = new Uint8Array(W * H * 3);
  const frame = { data, width: W, height: H };
  const sc = new SmartClick();
  const truth = s.render(30, data).map((x) => ({ ...x, bbox: [...x.bbox] }));
  sc.addDetections(new ContrastDetector().detect(frame), 1);
  for (const tr of truth) {
    const b = tr.bbox;
    const r = sc.click(frame, b[0] + b[2] / 2, b[1] + b[3] / 2, 1.2, false);
    t.equal(r.selection.status, 'selected', `${tr.class_name} selected`);
    if (r.selection.status === 'selected') {
      t.equal(r.selection.rule, 'inside');
      t.ok(iou(r.selection.detection.bbox, b) >= 0.8, `IoU ${iou(r.selection.detection.bbox, b).toFixed(3)}`);
    }
  }
  const bare = sc.click(frame, 600, 30, 1.2, false);
  t.equal(bare.selection.status, 'refused');
  t.equal(bare.segment.found, false);
  const following = sc.click(frame, truth[0].bbox[0] + 5, truth[0].bbox[1] + 5, 1.2, true);
  t.ok(following.selection.status === 'refused' && following.selection.reason === 'following');
  t.equal(sc.recent(1.2).length, 2, 'two detections kept');
  // No detection pass at all: the click's own segment is the candidate.
  const lone = new SmartClick().click(frame, truth[1].bbox[0] + truth[1].bbox[2] / 2, truth[1].bbox[1] + truth[1].bbox[3] / 2, 5, false);
  t.equal(lone.selection.status, 'selected', 'selected from the click segment alone');
  t.ok(lone.selection.status === 'selected' && !lone.selection.tentative && iou(lone.selection.detection.bbox, truth[1].bbox) >= 0.8);
  t.equal(sc.recent(2).length, 0, 'pruned after 0.75 s');
});
