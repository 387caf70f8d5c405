import t from 'tap';
import { projectGroundPoint, wrapDeg180, wrapDeg360, type ImagePoint } from '../../lib/vehicle/camera-pose.js';

const out: ImagePoint = { x: 0, y: 0, visible: false };
const pose = { north_m: 0, east_m: 0, alt_m: 20, yaw_deg: 0 };
const half = 20 * Math.tan(Math.PI / 6);

t.test('image up = forward, image right = right, yaw clockwise from north', async (t) => {
  projectGroundPoint(pose, 5, 0, 60, 4 / 3, out);
  t.ok(out.y < 0 && Math.abs(out.x) < 1e-12, 'a point ahead (north) is above the centre');
  t.ok(Math.abs(out.y + (5 / half) * (4 / 3)) < 1e-12, 'scaled by the half-height of the view');
  projectGroundPoint(pose, 0, 5, 60, 4 / 3, out);
  t.ok(Math.abs(out.x - 5 / half) < 1e-12 && Math.abs(out.y) < 1e-12, 'a point east is right of centre');
  projectGroundPoint({ ...pose, yaw_deg: 90 }, 0, 5, 60, 4 / 3, out);
  t.ok(out.y < 0 && Math.abs(out.x) < 1e-12, 'facing east, a point east is ahead');
  projectGroundPoint({ ...pose, yaw_deg: 90 }, -5, 0, 60, 4 / 3, out);
  t.ok(out.x > 0, 'facing east, a point south is to the right');
  projectGroundPoint({ ...pose, alt_m: 40 }, 0, 5, 60, 4 / 3, out);
  t.ok(Math.abs(out.x - 5 / (2 * half)) < 1e-12, 'twice as high, half the offset');
  t.equal(projectGroundPoint(pose, 0, half * 1.01, 60, 4 / 3, out).visible, false, 'just outside the frame');
});

t.test('angle folding', async (t) => {
  t.same([wrapDeg360(-90), wrapDeg360(370), wrapDeg180(270), wrapDeg180(-190)], [270, 10, -90, 170]);
});
