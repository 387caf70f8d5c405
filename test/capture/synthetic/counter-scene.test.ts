// The synthetic camera's picture: realistic size when encoded, known target
// boxes, a visible counter, and identical frames for the static variant.

import t from 'tap';
import sharp from 'sharp';
import { SyntheticScene, targetBoxes } from '../../../lib/capture/synthetic/scenes.js';
import { realtimeJpeg } from '../../../lib/encode/jpeg-options.js';

const W = 640;
const H = 480;
const scene = new SyntheticScene(W, H);
const frame = (i: number, still = false) => {
  const out = new Uint8Array(W * H * 3);
  scene.render(i, out, still);
  return out;
};

t.test('a 640x480 frame encodes to 30-80 KB at q85, like a real camera', async (t) => {
  const jpeg = await sharp(frame(10), { raw: { width: W, height: H, channels: 3 } }).jpeg(realtimeJpeg(85)).toBuffer();
  t.ok(jpeg.length > 30_000 && jpeg.length < 80_000, `${jpeg.length} bytes`);
});

t.test('targets move inside the frame and are drawn where their boxes say', async (t) => {
  const a = targetBoxes(0, W, H);
  const b = targetBoxes(90, W, H);
  t.equal(a.length, 2);
  for (const box of [...a, ...b]) {
    t.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= W && box.y + box.height <= H, `${box.label} inside the frame`);
  }
  t.not(`${a[0].x},${a[0].y}`, `${b[0].x},${b[0].y}`, 'the vehicle moved in 90 frames');
  // The vehicle is red: its box centre is red in the rendered frame.
  const px = frame(90);
  const v = b[0];
  const o = ((v.y + 1) * W + v.x + 1) * 3;
  t.ok(px[o] > 150 && px[o + 1] < 80 && px[o + 2] < 80, `vehicle pixel is red (${px[o]},${px[o + 1]},${px[o + 2]})`);
});

t.test('the counter changes the picture every frame; the static variant never does', async (t) => {
  const counter = (px: Uint8Array) => Buffer.from(px.subarray(0, W * 3 * 40));
  t.notSame(counter(frame(1)), counter(frame(2)), 'counter area differs between frames 1 and 2');
  t.same(Buffer.from(frame(1, true)), Buffer.from(frame(500, true)), 'static frames are identical');
});
