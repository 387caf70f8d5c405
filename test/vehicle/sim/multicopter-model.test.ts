import t from 'tap';
import { MulticopterModel, type ModelOptions } from '../../../lib/vehicle/sim/multicopter-model.js';

const o: ModelOptions = { velocityTauS: 0.4, maxAccelMs2: 4, maxSpeedMs: 12, maxYawRateDegS: 120, maxTiltDeg: 35, hoverThrust: 0.5 };
const run = (m: MulticopterModel, seconds: number, cmd: Parameters<MulticopterModel['step']>[1]) => {
  for (let k = 0; k < seconds * 100; k++) m.step(0.01, cmd);
};

t.test('first-order velocity response with its time constant', async (t) => {
  const m = new MulticopterModel(o, 20, 0);
  run(m, 0.4, { kind: 'velocity', vn: 0.5, ve: 0, vd: 0, yawRateDegS: 0 });
  t.ok(Math.abs(m.state.vn - 0.5 * (1 - Math.exp(-1))) < 0.01, `63 % after one time constant: ${m.state.vn}`);
  run(m, 3, { kind: 'velocity', vn: 0.5, ve: 0, vd: 0, yawRateDegS: 0 });
  t.ok(Math.abs(m.state.vn - 0.5) < 1e-3);
  t.ok(m.state.north > 1.2 && m.state.north < 1.7, `moved north ${m.state.north.toFixed(2)} m`);
  t.ok(m.state.pitch_deg === 0 || Math.abs(m.state.pitch_deg) < 0.1, 'level at constant speed');
});

t.test('acceleration and speed limits, yaw rate, ground', async (t) => {
  const m = new MulticopterModel(o, 20, 0);
  m.step(0.01, { kind: 'velocity', vn: 100, ve: 0, vd: 0, yawRateDegS: 0 });
  t.ok(Math.abs(m.state.vn - 0.04) < 1e-9, 'at most 4 m/s² × 10 ms');
  t.ok(m.state.pitch_deg < 0, 'accelerating forward pitches nose down');
  run(m, 10, { kind: 'velocity', vn: 100, ve: 0, vd: 0, yawRateDegS: 0 });
  t.ok(m.state.vn <= 12 + 1e-9, 'speed capped');
  const y = new MulticopterModel(o, 20, 350);
  run(y, 1, { kind: 'velocity', vn: 0, ve: 0, vd: 0, yawRateDegS: 30 });
  t.ok(y.state.yaw_deg > 10 && y.state.yaw_deg < 20, `yaw wraps through north: ${y.state.yaw_deg.toFixed(1)}`);
  const g = new MulticopterModel(o, 1, 0);
  run(g, 3, { kind: 'velocity', vn: 0, ve: 0, vd: 1, yawRateDegS: 0 });
  t.equal(g.altitude, 0);
  t.equal(g.state.on_ground, true);
});

t.test('body rates and thrust: tilt accelerates, hover thrust holds height', async (t) => {
  const m = new MulticopterModel(o, 20, 90);
  run(m, 0.5, { kind: 'rates', rollDegS: 0, pitchDegS: -20, yawDegS: 0, thrust: 0.5 / Math.cos((10 * Math.PI) / 180) });
  t.ok(Math.abs(m.state.pitch_deg + 10) < 0.2, 'pitched 10° nose down');
  run(m, 2, { kind: 'rates', rollDegS: 0, pitchDegS: 0, yawDegS: 0, thrust: 0.5 / Math.cos((10 * Math.PI) / 180) });
  t.ok(m.state.ve > 1, `facing east, nose down → flying east (${m.state.ve.toFixed(2)} m/s)`);
  t.ok(Math.abs(m.altitude - 20) < 0.5, `height held (${m.altitude.toFixed(2)} m)`);
});
