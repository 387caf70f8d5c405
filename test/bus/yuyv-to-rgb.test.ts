// YUYV → RGB24 conversion (BT.601 limited range), checked against known colours.

import t from 'tap';
import { yuyvToRgb } from '../../lib/bus/yuyv-to-rgb.js';

t.test('known colours', async (t) => {
  // Pairs of pixels: black, white, red, blue (Y U Y V each).
  const src = Uint8Array.from([16, 128, 16, 128, 235, 128, 235, 128, 81, 90, 81, 240, 41, 240, 41, 110]);
  const dst = new Uint8Array(8 * 3);
  yuyvToRgb(src, dst, 8, 1);
  const px = (i: number) => [...dst.subarray(i * 3, i * 3 + 3)];
  const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) <= 3);
  t.ok(near(px(0), [0, 0, 0]), `black ${px(0)}`);
  t.ok(near(px(2), [255, 255, 255]), `white ${px(2)}`);
  t.ok(near(px(4), [255, 0, 0]), `red ${px(4)}`);
  t.ok(near(px(6), [0, 0, 255]), `blue ${px(6)}`);
  t.same(px(4), px(5), 'both pixels of a pair share the chroma');
});
