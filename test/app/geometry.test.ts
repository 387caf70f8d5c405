import t from 'tap';
import { toPixelBox, centerOf, normalizedBox } from '../../lib/app/geometry.js';
import { SkyfeedError } from '../../lib/errors.js';

const frame = { width: 640, height: 480 };

t.test('normalized (all in [0,1]) vs pixel boxes', async (t) => {
  t.same(toPixelBox({ x: 0.25, y: 0.5, width: 0.5, height: 0.25 }, frame), { x: 160, y: 240, width: 320, height: 120 });
  t.same(toPixelBox({ x: 10, y: 20, width: 30, height: 40 }, frame), { x: 10, y: 20, width: 30, height: 40 });
  t.same(toPixelBox({ x: 0, y: 0, width: 1, height: 1 }, frame), { x: 0, y: 0, width: 640, height: 480 }, 'full frame');
});

t.test('outside the frame or non-positive size → 422', async (t) => {
  const bad = [
    { x: 600, y: 10, width: 100, height: 10 },
    { x: -5, y: 10, width: 20, height: 20 },
    { x: 10, y: 10, width: 0, height: 20 },
    { x: 10, y: 10, width: 20, height: -3 },
    { x: 0.8, y: 0.1, width: 0.5, height: 0.1 },
  ];
  for (const b of bad) {
    let err: unknown = null;
    try {
      toPixelBox(b, frame);
    } catch (e) {
      err = e;
    }
    t.ok(err instanceof SkyfeedError && err.code === 'SKYFEED_ERR_GEOMETRY_INVALID', `refused: ${JSON.stringify(b)}`);
  }
});

t.test('telemetry coordinates: centre 0, y down, [-1,1]', async (t) => {
  t.same(centerOf({ x: 0, y: 0, width: 64, height: 48 }, frame), [-0.9, -0.9]);
  t.same(normalizedBox({ x: 320, y: 240, width: 64, height: 48 }, frame), [0, 0, 0.1, 0.1]);
});
