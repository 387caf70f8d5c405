// The target-velocity estimate behind the ground profile's feed-forward: a
// down-looking camera at 20 m over a target walking at a known velocity while
// the vehicle itself moves, seen through the same normalized image
// coordinates the tracker reports (with pixel jitter).

import t from 'tap';
import { TargetMotion } from '../../../lib/vehicle/followers/target-motion.js';
import { rng as prng, vehicleState } from '../vehicle-fixtures.js';

const HFOV = 60;
const ASPECT = 0.75;
const halfW = (alt: number) => alt * Math.tan((HFOV * Math.PI) / 360);

/** Feeds 3 s at 30 fps: target at (fwd, right) metres moving at vT, vehicle moving at vV; returns the estimator. */
function simulate(vT: [number, number], vV: [number, number], jitterPx = 0, alt = 20, seed = 7) {
  const m = new TargetMotion({ hfovDeg: HFOV, aspect: ASPECT, timeConstantS: 0.4 });
  const rand = prng(seed);
  const mPerPx = halfW(alt) / 320;
  let relF = 2;
  let relR = -1;
  for (let i = 0; i < 90; i++) {
    const tS = 1000 + i / 30;
    const jf = (rand() - 0.5) * 2 * jitterPx * mPerPx;
    const jr = (rand() - 0.5) * 2 * jitterPx * mPerPx;
    const ex = (relR + jr) / halfW(alt);
    const ey = -(relF + jf) / (halfW(alt) * ASPECT);
    m.observe(ex, ey, tS, vehicleState({ alt_m: alt, vel_fwd_m_s: vV[0], vel_right_m_s: vV[1] }));
    relF += (vT[0] - vV[0]) / 30;
    relR += (vT[1] - vV[1]) / 30;
  }
  return m;
}

t.test('converges to the target ground velocity whatever the vehicle does', async (t) => {
  for (const [vT, vV] of [[[1.2, 0], [0, 0]], [[1.2, -0.5], [0.5, 0.3]], [[0, 0], [0.8, -0.4]], [[-2, 1], [-1, 1]]] as [number, number][][]) {
    const m = simulate(vT as [number, number], vV as [number, number]);
    t.ok(m.valid, 'valid');
    t.ok(Math.abs(m.fwd - vT[0]) < 0.02 && Math.abs(m.right - vT[1]) < 0.02, `target ${vT}, vehicle ${vV}: estimated ${m.fwd.toFixed(3)}, ${m.right.toFixed(3)}`);
  }
});

t.test('one pixel of tracker jitter leaves the estimate within 0.2 m/s', async (t) => {
  const m = simulate([1.2, -0.5], [0.5, 0.3], 1);
  t.ok(Math.abs(m.fwd - 1.2) < 0.2 && Math.abs(m.right + 0.5) < 0.2, `estimated ${m.fwd.toFixed(3)}, ${m.right.toFixed(3)}`);
});

t.test('no altitude or no vehicle velocity: no estimate; a gap restarts it; a jump is dropped', async (t) => {
  const m = new TargetMotion({ hfovDeg: HFOV, aspect: ASPECT, timeConstantS: 0.4 });
  m.observe(0.1, 0.1, 1, vehicleState({ alt_m: null }));
  m.observe(0.2, 0.1, 1.033, vehicleState({ alt_m: null }));
  t.notOk(m.valid, 'altitude unknown');
  m.observe(0.1, 0.1, 2, vehicleState({ vel_fwd_m_s: null }));
  m.observe(0.2, 0.1, 2.033, vehicleState({ vel_fwd_m_s: null }));
  t.notOk(m.valid, 'vehicle velocity unknown');
  m.observe(0.1, 0.1, 3, vehicleState());
  m.observe(0.11, 0.1, 3.033, vehicleState());
  t.ok(m.valid, 'two samples: valid');
  m.observe(0.12, 0.1, 4, vehicleState());
  t.notOk(m.valid, 'a 1 s gap restarts the estimate');
  m.observe(0.13, 0.1, 4.033, vehicleState());
  t.ok(m.valid);
  m.observe(5, 0.1, 4.066, vehicleState());
  t.notOk(m.valid, 'a jump of the whole frame in one step is not a velocity');
});
