// FFTs against a direct DFT, round trips, and size checks.

import t from 'tap';
import { Fft1d, Fft2d } from '../../lib/vision/fft.js';

function dft(re: number[], im: number[]): [number[], number[]] {
  const n = re.length;
  const or: number[] = [];
  const oi: number[] = [];
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * j * k) / n;
      sr += re[j] * Math.cos(a) - im[j] * Math.sin(a);
      si += re[j] * Math.sin(a) + im[j] * Math.cos(a);
    }
    or.push(sr);
    oi.push(si);
  }
  return [or, oi];
}

t.test('1-D matches a direct DFT', async (t) => {
  const n = 16;
  const re = Array.from({ length: n }, (_, i) => Math.sin(i * 1.3) + i * 0.1);
  const im = Array.from({ length: n }, (_, i) => Math.cos(i * 0.7));
  const [er, ei] = dft(re, im);
  const r = Float64Array.from(re);
  const i = Float64Array.from(im);
  new Fft1d(n).transform(r, i, 0, 1, false);
  let err = 0;
  for (let k = 0; k < n; k++) err = Math.max(err, Math.abs(r[k] - er[k]), Math.abs(i[k] - ei[k]));
  t.ok(err < 1e-9, `max error ${err}`);
});

t.test('2-D forward then inverse returns the input; a delta transforms to all ones', async (t) => {
  const f = new Fft2d(32, 16);
  const re = new Float64Array(32 * 16).map((_, k) => Math.sin(k * 0.37) * 5);
  const im = new Float64Array(32 * 16);
  const orig = Float64Array.from(re);
  f.forward(re, im);
  f.inverse(re, im);
  let err = 0;
  for (let k = 0; k < re.length; k++) err = Math.max(err, Math.abs(re[k] - orig[k]), Math.abs(im[k]));
  t.ok(err < 1e-9, `round trip error ${err}`);
  const dr = new Float64Array(32 * 16);
  const di = new Float64Array(32 * 16);
  dr[0] = 1;
  f.forward(dr, di);
  t.ok(dr.every((v) => Math.abs(v - 1) < 1e-12) && di.every((v) => Math.abs(v) < 1e-12), 'delta → flat spectrum');
});

t.test('sizes must be powers of two', async (t) => {
  t.throws(() => new Fft1d(12), /power of two/);
  t.throws(() => new Fft2d(64, 33), /power of two/);
});
