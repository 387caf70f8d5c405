// Multi-scale NCC re-detection on rendered frames: finds the car and the
// person again at another scale and place, not on bare ground, only within
// the search radius.

import t from 'tap';
import { Redetector } from '../../lib/vision/redetector.js';
import { AerialScene } from '../../lib/capture/synthetic/aerial-scene.js';
import { iou } from '../helpers/boxes.js';

const W = 640;
const H = 480;

t.test('finds each target again after it moved and the camera climbed (scale ≈ 0.8)', async (t) => {
  const scene = new AerialScene({ width: W, height: H, kind: 'aerial' });
  const data = new Uint8Array(W * H * 3);
  const frame = { data, width: W, height: H };
  for (const k of [0, 1]) {
    scene.setPose({ north_m: 0, east_m: 0, alt_m: 20, yaw_deg: 0 });
    const b = [...scene.render(0, data)[k].bbox];
    const r = new Redetector();
    r.setTemplate(frame, { x: b[0], y: b[1], w: b[2], h: b[3] });
    scene.setPose({ north_m: 0, east_m: 0, alt_m: 24, yaw_deg: 0 });
    const g = [...scene.render(60, data)[k].bbox];
    // The estimate is 120 px off: the search covers ±300 px.
    const res = r.search(frame, g[0] + g[2] / 2 + 120, g[1] + g[3] / 2 - 80);
    t.ok(res.found, `${k === 0 ? 'car' : 'person'} found (NCC ${res.score.toFixed(3)})`);
    t.ok(iou([res.box.x, res.box.y, res.box.w, res.box.h], g) >= 0.6, `box ${JSON.stringify(res.box)} vs true ${g.join(',')}`);
  }
});

t.test('nothing is found where the target is not', async (t) => {
  const scene = new AerialScene({ width: W, height: H, kind: 'aerial' });
  const data = new Uint8Array(W * H * 3);
  const frame = { data, width: W, height: H };
  scene.setPose({ north_m: 0, east_m: 0, alt_m: 20, yaw_deg: 0 });
  const b = [...scene.render(0, data)[0].bbox];
  const r = new Redetector();
  r.setTemplate(frame, { x: b[0], y: b[1], w: b[2], h: b[3] });
  // The camera 60 m away: only ground in view.
  scene.setPose({ north_m: 30, east_m: 50, alt_m: 20, yaw_deg: 0 });
  scene.render(0, data);
  const res = r.search(frame, 320, 240);
  t.notOk(res.found, `bare ground: best NCC ${res.score.toFixed(3)} under 0.7`);
  // The car in view but farther than the radius from the estimate.
  const near = new Redetector({ radius: 100 });
  scene.setPose({ north_m: 0, east_m: 0, alt_m: 20, yaw_deg: 0 });
  scene.render(0, data);
  near.setTemplate(frame, { x: b[0], y: b[1], w: b[2], h: b[3] });
  t.ok(near.search(frame, b[0] + b[2] / 2, b[1] + b[3] / 2).found, 'found at the estimate');
  t.notOk(near.search(frame, b[0] + b[2] / 2 + 350, b[1] + b[3] / 2 + 150).found, 'not found 380 px away with a 100 px radius');
});

t.test('without a template it reports nothing', async (t) => {
  const r = new Redetector();
  const res = r.search({ data: new Uint8Array(W * H * 3), width: W, height: H }, 100, 100);
  t.equal(res.found, false);
  t.equal(r.ready, false);
});
