import t from 'tap';
import { globalLimits } from '../../../lib/vehicle/followers/limits.js';
import { McVelocityChase } from '../../../lib/vehicle/followers/mc-velocity-chase.js';
import { newSetpoint, type VelocityBodySetpoint } from '../../../lib/vehicle/setpoint.js';
import { testConfig, vehicleState } from '../vehicle-fixtures.js';

const cfg = testConfig();
const law = (mode: 'coordinated_turn' | 'sideslip' = 'coordinated_turn') => new McVelocityChase({
  limits: globalLimits(cfg.safety), gains: cfg.follower.gains, mode, accelMs2: 0.5, minConfidence: 0.5,
});
const out = () => newSetpoint('velocity_body', 0.5) as VelocityBodySetpoint;
const dt = 1 / 30;

t.test('forward ramps at 0.5 m/s² to the limit and is never negative', async (t) => {
  const l = law();
  const o = out();
  const speeds: number[] = [];
  for (let k = 0; k < 60; k++) { l.track(0, 0.3, vehicleState(), dt, o); speeds.push(o.fwd); }
  t.ok(Math.abs(speeds[0] - 0.5 * dt) < 1e-12, 'first step: accel × dt');
  t.ok(Math.abs(speeds[29] - 0.5) < 1e-9 || speeds[29] < 0.5, 'after 1 s at most 0.5 m/s');
  t.equal(speeds[59], 0.5, 'capped at the per-axis limit');
  t.ok(speeds.every((v, i) => v >= 0 && (i === 0 || v >= speeds[i - 1])), 'monotonic, never negative');
  t.ok(o.down > 0, 'target below centre → descend');
});

t.test('coordinated turn: +x → clockwise yaw through the smoother, no sideways motion', async (t) => {
  const l = law();
  const o = out();
  l.track(0.4, 0, vehicleState(), dt, o);
  t.ok(o.yawspeed_deg_s > 0, `yaw ${o.yawspeed_deg_s}`);
  t.ok(o.yawspeed_deg_s <= 90 * dt + 1e-9, 'the smoother limits the change to 90 °/s² × dt');
  t.equal(o.right, 0);
  const l2 = law();
  l2.track(-0.4, 0, vehicleState(), dt, o);
  t.ok(o.yawspeed_deg_s < 0, 'target left → counter-clockwise');
  const l3 = law();
  l3.track(0.0001, 0, vehicleState(), dt, o);
  t.equal(o.yawspeed_deg_s, 0, 'below the 0.5 °/s deadzone');
});

t.test('sideslip: +x → right, no yaw', async (t) => {
  const l = law('sideslip');
  const o = out();
  l.track(0.4, 0, vehicleState(), dt, o);
  t.ok(o.right > 0);
  t.equal(o.yawspeed_deg_s, 0);
});

t.test('low confidence counts as lost; while lost it steers on the last good x and ramps forward down to 0', async (t) => {
  const l = law();
  t.match(l.rejects(0, 0, 0.3), /confidence 0\.30 below 0\.5/);
  t.equal(l.rejects(0, 0, 0.9), null);
  const o = out();
  for (let k = 0; k < 60; k++) l.track(0.3, 0, vehicleState(), dt, o);
  t.equal(o.fwd, 0.5);
  let steps = 0;
  const fwd: number[] = [];
  while (l.coast(vehicleState(), dt, o)) {
    fwd.push(o.fwd);
    t.ok(o.yawspeed_deg_s > 0, 'still turning towards the last good x');
    t.equal(o.down, 0, 'blind: holds height');
    if (++steps > 1000) break;
  }
  t.ok(Math.abs(steps - 31) <= 1, `coasted ${steps} steps (1 s at 0.5 m/s²)`);
  t.ok(fwd.every((v, i) => i === 0 || v <= fwd[i - 1]), 'forward only decreases');
  t.equal(fwd.at(-1), 0);
  t.equal(law().coast(vehicleState(), dt, o), false, 'nothing to coast on before any target');
});
