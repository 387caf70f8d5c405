// Contrast segmentation on rendered frames: a click on a target gives its
// box, a click on bare ground gives nothing, a target bigger than the first
// window is still found whole, and the whole-frame detector lists both
// targets and nothing else.

import t from 'tap';
import { ContrastSegmenter, lineLike, OBJECT_CLASS_NAME } from '../../lib/vision/contrast-segmenter.js';
import { ContrastDetector } from '../../lib/vision/contrast-detector.js';
import { AerialScene } from '../../lib/capture/synthetic/aerial-scene.js';
import { iou } from '../helpers/boxes.js';

const W = 640;
const H = 480;

function scene(alt = 20, east = 0) {
  const s = new AerialScene({ width: W, height: H, kind: 'aerial' });
  s.setPose({ north_m: 0, east_m: east, alt_m: alt, yaw_deg: 0 });
  const data = new Uint8Array(W * H * 3);
  return { s, data, frame: { data, width: W, height: H } };
}

t.test('a click on each target segments it', async (t) => {
  const { s, data, frame } = scene();
  const seg = new ContrastSegmenter();
  for (const i of [0, 90, 200]) {
    const truth = s.render(i, data);
    for (const tr of truth) {
      const b = tr.bbox;
      const r = seg.segment(frame, b[0] + b[2] / 2, b[1] + b[3] / 2);
      t.ok(r.found, `frame ${i} ${tr.class_name}: found`);
      if (!r.found) continue;
      t.equal(r.detection.class_name, OBJECT_CLASS_NAME);
      t.ok(iou(r.detection.bbox, b) >= 0.8, `IoU ${iou(r.detection.bbox, b).toFixed(3)} (${r.detection.bbox.join(',')} vs ${b.join(',')})`);
    }
  }
  // A click 3 px outside the person still selects it (cursor tolerance).
  const p = s.render(0, data)[1].bbox;
  const near = seg.segment(frame, p[0] - 3, p[1] + p[3] / 2);
  t.ok(near.found && iou(near.detection.bbox, p) >= 0.8, 'a click just beside the person');
});

t.test('bare-ground clicks give no box', async (t) => {
  const { s, data, frame } = scene();
  const seg = new ContrastSegmenter();
  let boxes = 0;
  let clicks = 0;
  let seed = 99;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < 300; i += 15) {
    const truth = s.render(i, data);
    for (let k = 0; k < 5; k++) {
      const x = rand() * W;
      const y = rand() * H;
      if (truth.some((tr) => x > tr.bbox[0] - 20 && x < tr.bbox[0] + tr.bbox[2] + 20 && y > tr.bbox[1] - 20 && y < tr.bbox[1] + tr.bbox[3] + 20)) continue;
      clicks++;
      const r = seg.segment(frame, x, y);
      if (r.found) boxes++;
      else t.ok(r.reason === 'ground' || r.reason === 'too_large', r.reason);
    }
  }
  t.ok(clicks >= 80, `${clicks} clicks`);
  t.equal(boxes, 0, 'no box from bare ground');
});

t.test('a car larger than the 128 px window is found whole (the window grows)', async (t) => {
  const { s, data, frame } = scene(11, -6); // over the car at frame 0
  const car = s.render(0, data)[0].bbox;
  t.ok(car[2] > 200, `car is ${car[2]} px long at 11 m`);
  const r = new ContrastSegmenter().segment(frame, car[0] + car[2] / 2, car[1] + car[3] / 2);
  t.ok(r.found, 'found');
  if (r.found) {
    t.ok(r.window >= 256, `window grew to ${r.window}`);
    t.ok(iou(r.detection.bbox, car) >= 0.8, `IoU ${iou(r.detection.bbox, car).toFixed(3)}`);
  }
  t.same(new ContrastSegmenter().segment(frame, -1, 5), { found: false, reason: 'outside_frame', window: 0 });
});

t.test('thin ground markings are not objects', async (t) => {
  t.ok(lineLike({ pixels: 280, w: 60, h: 32 }), 'a diagonal paint dash');
  t.ok(lineLike({ pixels: 300, w: 70, h: 4 }), 'a straight one');
  t.notOk(lineLike({ pixels: 95, w: 11, h: 11 }), 'an 11 px person');
  t.notOk(lineLike({ pixels: 5000, w: 120, h: 45 }), 'a car');
});

t.test('the whole-frame detector lists both targets and nothing else', async (t) => {
  const { s, data, frame } = scene();
  const det = new ContrastDetector();
  for (const i of [0, 120, 250]) {
    const truth = s.render(i, data);
    const found = det.detect(frame);
    for (const tr of truth) {
      t.ok(found.some((d) => iou(d.bbox, tr.bbox) >= 0.8), `frame ${i}: ${tr.class_name} detected`);
    }
    t.equal(found.length, 2, `frame ${i}: ${found.length} detections`);
  }
});
