// The constant-acceleration estimator: converges on constant velocity and
// acceleration, clamps dt, weak updates steer less, coasting stays bounded.

import t from 'tap';
import { KalmanCA } from '../../lib/vision/kalman-ca.js';

t.test('learns a constant velocity in px/s', async (t) => {
  const k = new KalmanCA();
  k.init(100, 50, 0);
  for (let i = 1; i <= 60; i++) {
    const time = i / 30;
    k.predict(time);
    k.update(100 + 90 * time, 50 - 30 * time);
  }
  t.ok(Math.abs(k.vx - 90) < 3, `vx ${k.vx.toFixed(2)} ≈ 90 px/s`);
  t.ok(Math.abs(k.vy + 30) < 3, `vy ${k.vy.toFixed(2)} ≈ −30 px/s`);
  // Prediction one frame ahead lands on the track.
  k.predict(61 / 30);
  t.ok(Math.abs(k.x - (100 + 90 * (61 / 30))) < 1, `predicted x ${k.x.toFixed(2)}`);
});

t.test('learns a constant acceleration', async (t) => {
  const k = new KalmanCA();
  k.init(0, 0, 0);
  for (let i = 1; i <= 90; i++) {
    const time = i / 30;
    k.predict(time);
    k.update(0.5 * 40 * time * time, 0);
  }
  t.ok(Math.abs(k.ax - 40) < 6, `ax ${k.ax.toFixed(1)} ≈ 40 px/s²`);
  t.ok(Math.abs(k.vx - 120) < 6, `vx ${k.vx.toFixed(1)} ≈ 120 px/s after 3 s`);
});

t.test('dt is clamped to 0.001–0.25 s', async (t) => {
  const a = new KalmanCA();
  const b = new KalmanCA();
  for (const k of [a, b]) {
    k.init(0, 0, 0);
    for (let i = 1; i <= 30; i++) {
      k.predict(i / 30);
      k.update(60 * (i / 30), 0);
    }
  }
  t.equal(a.dtTo(1 + 5), 0.25, 'a 5 s gap counts as 0.25 s');
  t.equal(a.dtTo(1), 0.001, 'no time passing counts as 1 ms');
  a.predict(1 + 5);
  b.predict(1 + 0.25);
  t.ok(Math.abs(a.x - b.x) < 1e-9, 'predicting over a 5 s gap moves as far as over 0.25 s');
});

t.test('a weak update steers less than a full one; coasting drops acceleration and stays in bounds', async (t) => {
  const strong = new KalmanCA();
  const weak = new KalmanCA();
  for (const k of [strong, weak]) {
    k.init(0, 0, 0);
    k.predict(1 / 30);
  }
  strong.update(10, 0);
  weak.update(10, 0, 10);
  t.ok(strong.x > weak.x && weak.x > 0, `strong ${strong.x.toFixed(2)} > weak ${weak.x.toFixed(2)} > 0`);
  const k = new KalmanCA();
  k.init(600, 100, 0);
  for (let i = 1; i <= 10; i++) {
    k.predict(i / 30);
    k.update(600 + 20 * i + i * i, 100);
  }
  k.coast(0, 640, 0, 480);
  t.equal(k.ax, 0, 'acceleration dropped');
  for (let i = 11; i <= 60; i++) {
    k.predict(i / 30);
    k.coast(0, 640, 0, 480);
  }
  t.equal(k.x, 640, 'held at the right edge');
  t.equal(k.vx, 0, 'no velocity pushing outward');
});

t.test('bad options are refused', async (t) => {
  t.throws(() => new KalmanCA({ processNoise: 0 }), /processNoise must be a positive number/);
  t.throws(() => new KalmanCA({ maxDt: NaN }), /maxDt/);
});
