// The aerial scene: ground truth consistent with the pixels, the camera pose
// moving the view by the expected number of pixels, visibility under the
// tree and outside the frame, noise on the targets, and clear errors.

import t from 'tap';
import { AerialScene, TargetTruth } from '../../../lib/capture/synthetic/aerial-scene.js';
import { focalPx } from '../../../lib/capture/synthetic/camera-pose.js';

const W = 640;
const H = 480;
const copy = (tr: readonly TargetTruth[]) => tr.map((x) => ({ ...x, bbox: [...x.bbox] as [number, number, number, number] }));

function render(scene: AerialScene, i: number) {
  const px = new Uint8Array(W * H * 3);
  const truth = copy(scene.render(i, px));
  return { px, truth };
}

/** Share of the box's pixels whose colour passes `test`. */
function share(px: Uint8Array, b: number[], test: (r: number, g: number, bl: number) => boolean): number {
  let n = 0;
  let hit = 0;
  for (let y = b[1]; y < b[1] + b[3]; y++) {
    for (let x = b[0]; x < b[0] + b[2]; x++) {
      const o = (y * W + x) * 3;
      n++;
      if (test(px[o], px[o + 1], px[o + 2])) hit++;
    }
  }
  return n ? hit / n : 0;
}

const red = (r: number, g: number, b: number) => r > 150 && g < 110 && b < 110;
const blue = (r: number, g: number, b: number) => b > 150 && r < 90;
const dark = (r: number, g: number, b: number) => r < 50 && g < 50 && b < 50;

t.test('the targets\' colours fill their true boxes and appear nowhere else', async (t) => {
  const scene = new AerialScene({ width: W, height: H, kind: 'aerial' });
  for (const i of [0, 77, 150, 299]) {
    const { px, truth } = render(scene, i);
    const [car, person] = truth;
    t.equal(car.class_name, 'car');
    t.equal(person.class_name, 'person');
    t.ok(car.visible && person.visible, `frame ${i}: both visible`);
    // Car: red body and roof plus the dark sunroof bar fill the whole box.
    t.ok(share(px, car.bbox, (r, g, b) => red(r, g, b) || dark(r, g, b)) > 0.95, `frame ${i}: car box is car-coloured`);
    // Person: a disk in its box (π/4 of it) plus a brown head.
    const ps = share(px, person.bbox, blue);
    t.ok(ps > 0.55 && ps < 0.85, `frame ${i}: person box ${(ps * 100).toFixed(0)} % blue`);
    // One pixel outside each box side is not the target's colour (the box is tight).
    const [x, y, w, h] = car.bbox;
    t.ok(share(px, [x - 1, y, 1, h], red) < 0.1 && share(px, [x + w, y, 1, h], red) < 0.1, 'car box tight left/right');
    t.ok(share(px, [x, y - 1, w, 1], red) < 0.1 && share(px, [x, y + h, w, 1], red) < 0.1, 'car box tight top/bottom');
  }
});

t.test('sizes follow the altitude (a car 4.5 x 1.8 m, a person 0.6 m)', async (t) => {
  const scene = new AerialScene({ width: W, height: H, kind: 'aerial' });
  const f = focalPx(W);
  for (const alt of [15, 20, 30]) {
    scene.setPose({ north_m: 0, east_m: 0, alt_m: alt, yaw_deg: 0 });
    const { truth } = render(scene, 0);
    const pxPerM = f / alt;
    t.ok(Math.abs(truth[0].bbox[2] - 4.5 * pxPerM) <= 1.5, `alt ${alt}: car ${truth[0].bbox[2]} px long, expected ${(4.5 * pxPerM).toFixed(1)}`);
    t.ok(Math.abs(truth[0].bbox[3] - 1.8 * pxPerM) <= 1.5, `alt ${alt}: car ${truth[0].bbox[3]} px wide`);
    t.ok(Math.abs(truth[1].bbox[2] - 0.6 * pxPerM) <= 1.5, `alt ${alt}: person ${truth[1].bbox[2]} px across`);
  }
});

t.test('a pose offset shifts the view by the expected pixels; yaw turns it', async (t) => {
  const scene = new AerialScene({ width: W, height: H, kind: 'aerial' });
  const f = focalPx(W);
  scene.setPose({ north_m: 0, east_m: 0, alt_m: 20, yaw_deg: 0 });
  const base = render(scene, 40);
  // The camera 2 m east: everything moves 2·f/alt px to the left in the image.
  scene.setPose({ north_m: 0, east_m: 2, alt_m: 20, yaw_deg: 0 });
  const east = render(scene, 40);
  const dx = (2 * f) / 20;
  for (let k = 0; k < 2; k++) {
    t.ok(Math.abs(east.truth[k].bbox[0] - (base.truth[k].bbox[0] - dx)) <= 1, `target ${k} moved ${base.truth[k].bbox[0] - east.truth[k].bbox[0]} px left (expected ${dx.toFixed(1)})`);
    t.ok(Math.abs(east.truth[k].bbox[1] - base.truth[k].bbox[1]) <= 1, 'no vertical move');
  }
  // 1 m north: things move down by f/alt px.
  scene.setPose({ north_m: 1, east_m: 0, alt_m: 20, yaw_deg: 0 });
  const north = render(scene, 40);
  t.ok(Math.abs(north.truth[0].bbox[1] - (base.truth[0].bbox[1] + f / 20)) <= 1, 'north offset moves the car down');
  // The ground moved too: the image shifted by dx px (compare a row far from the targets).
  let same = 0;
  let total = 0;
  const y = 20;
  for (let x = 0; x < W - 60; x++) {
    const a = (y * W + x + Math.round(dx)) * 3;
    const b = (y * W + x) * 3;
    total++;
    if (Math.abs(base.px[a] - east.px[b]) < 30 && Math.abs(base.px[a + 1] - east.px[b + 1]) < 30) same++;
  }
  t.ok(same / total > 0.9, `ground shifted with the pose (${((100 * same) / total).toFixed(0)} % of a row matches)`);
  // Yaw 90° (facing east): the car, long along east, now stands upright in the image.
  scene.setPose({ north_m: 0, east_m: 0, alt_m: 20, yaw_deg: 90 });
  const turned = render(scene, 40);
  t.ok(turned.truth[0].bbox[3] > turned.truth[0].bbox[2] * 2, `turned car box ${turned.truth[0].bbox[2]}x${turned.truth[0].bbox[3]} is upright`);
});

t.test('ground truth comes from the render: the same frame index under another pose differs', async (t) => {
  const scene = new AerialScene({ width: W, height: H, kind: 'aerial' });
  const own = render(scene, 100).truth;
  scene.setPose({ north_m: 0.5, east_m: -1, alt_m: 25, yaw_deg: 10 });
  const driven = render(scene, 100).truth;
  t.not(JSON.stringify(own), JSON.stringify(driven));
  scene.setPose(null);
  t.same(render(scene, 100).truth, own, 'back to the scene\'s own motion: same truth as before');
});

t.test('targets out of view are not visible; the tree hides the car about a second every 6 s', async (t) => {
  const scene = new AerialScene({ width: W, height: H, kind: 'aerial' });
  scene.setPose({ north_m: 0, east_m: 200, alt_m: 20, yaw_deg: 0 });
  const away = render(scene, 0).truth;
  t.ok(away.every((x) => !x.visible && x.bbox[2] === 0), 'camera 200 m away: nothing visible');
  const occluded = new AerialScene({ width: W, height: H, kind: 'aerial_occluded' });
  const hidden: number[] = [];
  let redWhileHidden = 0;
  for (let i = 0; i < 400; i++) {
    const { px, truth } = render(occluded, i);
    if (!truth[0].visible) {
      hidden.push(i);
      redWhileHidden = Math.max(redWhileHidden, share(px, truth[0].bbox, red));
    }
  }
  const runs = hidden.filter((i, k) => k === 0 || hidden[k - 1] !== i - 1).length;
  t.equal(runs, 2, 'two occlusions in 400 frames (every 180 frames)');
  t.ok(hidden.length >= 40 && hidden.length <= 70, `${hidden.length} hidden frames (≈1 s each)`);
  t.ok(redWhileHidden < 0.01, 'no car pixel shows while it is reported hidden');
});

t.test('sensor noise covers the targets; the sunroof bar sways instead of sliding', async (t) => {
  const scene = new AerialScene({ width: W, height: H, kind: 'aerial' });
  scene.setPose({ north_m: 0, east_m: 0, alt_m: 20, yaw_deg: 0 });
  const { px, truth } = render(scene, 0);
  const [x, y, w, h] = truth[0].bbox;
  // The roof centre is one flat colour in the scene; noise makes its pixels differ.
  const vals = new Set<number>();
  for (let i = 0; i < 30; i++) vals.add(px[((y + (h >> 1)) * W + x + (w >> 2) + i) * 3]);
  t.ok(vals.size > 5, `roof pixels vary (${vals.size} distinct red values in 30)`);
  // The dark bar's column stays within a few pixels of its mean over 4 s.
  const cols: number[] = [];
  for (let i = 0; i < 120; i += 5) {
    const r = render(scene, i);
    const [bx, by, bw, bh] = r.truth[0].bbox;
    const row = by + (bh >> 1);
    for (let xx = bx; xx < bx + bw; xx++) {
      const o = (row * W + xx) * 3;
      if (dark(r.px[o], r.px[o + 1], r.px[o + 2])) {
        cols.push(xx - bx);
        break;
      }
    }
  }
  const spread = Math.max(...cols) - Math.min(...cols);
  t.ok(cols.length > 20 && spread > 3 && spread < 20, `bar moves within the car by ${spread} px`);
});

t.test('bad options and poses get clear errors', async (t) => {
  t.throws(() => new AerialScene({ width: 10, height: 480, kind: 'aerial' }), /scene size/);
  t.throws(() => new AerialScene({ width: W, height: H, kind: 'bogus' as 'aerial' }), /unknown aerial scene kind/);
  const scene = new AerialScene({ width: W, height: H, kind: 'aerial' });
  t.throws(() => scene.setPose({ north_m: NaN, east_m: 0, alt_m: 20, yaw_deg: 0 }), /north_m must be a finite number/);
  t.throws(() => scene.setPose({ north_m: 0, east_m: 0, alt_m: 0.5, yaw_deg: 0 }), /alt_m must be within/);
  t.throws(() => scene.render(0, new Uint8Array(10)), /output buffer/);
});
