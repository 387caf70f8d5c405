import t from 'tap';
import { globalLimits } from '../../../lib/vehicle/followers/limits.js';
import { McAttitudeRate } from '../../../lib/vehicle/followers/mc-attitude-rate.js';
import { newSetpoint, type AttitudeRateSetpoint } from '../../../lib/vehicle/setpoint.js';
import { testConfig, vehicleState } from '../vehicle-fixtures.js';

const cfg = testConfig();
const law = () => new McAttitudeRate({ limits: globalLimits(cfg.safety), gains: cfg.follower.gains, hoverThrust: 0.5 });
const out = () => newSetpoint('attitude_rate', 0.5) as AttitudeRateSetpoint;

t.test('signs: +x → clockwise yaw rate; target above centre → nose up; right turn at speed → roll right', async (t) => {
  const o = out();
  law().track(0.2, -0.1, vehicleState({ ground_speed_m_s: 5 }), 1 / 30, o);
  t.ok(o.yaw_rate > 0, `yaw ${o.yaw_rate}`);
  t.ok(o.pitch_rate > 0, `pitch ${o.pitch_rate}`);
  t.ok(o.roll_rate > 0, `roll ${o.roll_rate}`);
  law().track(-0.2, 0.1, vehicleState({ ground_speed_m_s: 5 }), 1 / 30, o);
  t.ok(o.yaw_rate < 0 && o.pitch_rate < 0 && o.roll_rate < 0, 'mirror image');
  law().track(0.2, 0, vehicleState({ ground_speed_m_s: 0 }), 1 / 30, o);
  t.equal(o.roll_rate, 0, 'no bank for a turn on the spot');
});

t.test('thrust: hover at the held altitude, more when below it or tilted, less above', async (t) => {
  const l = law();
  const o = out();
  l.track(0, 0, vehicleState({ alt_m: 20 }), 1 / 30, o);
  t.ok(Math.abs(o.thrust - 0.5) < 1e-9, `hover ${o.thrust}`);
  l.track(0, 0, vehicleState({ alt_m: 19 }), 1 / 30, o);
  t.ok(o.thrust > 0.5, 'sinking below the held altitude → more thrust');
  const l2 = law();
  l2.track(0, 0, vehicleState({ alt_m: 20 }), 1 / 30, o);
  l2.track(0, 0, vehicleState({ alt_m: 21 }), 1 / 30, o);
  t.ok(o.thrust < 0.5, 'above → less');
  const l3 = law();
  l3.track(0, 0, vehicleState({ alt_m: 20, roll_deg: 20 }), 1 / 30, o);
  t.ok(Math.abs(o.thrust - 0.5 / Math.cos((20 * Math.PI) / 180)) < 1e-9, 'tilt compensation');
});

t.test('lost: levels the vehicle and keeps holding altitude', async (t) => {
  const l = law();
  const o = out();
  l.track(0, 0, vehicleState({ alt_m: 20 }), 1 / 30, o);
  t.equal(l.coast(vehicleState({ alt_m: 20, roll_deg: 10, pitch_deg: -5 }), 1 / 30, o), true);
  t.ok(o.roll_rate < 0 && o.pitch_rate > 0, 'rates back towards level');
  t.equal(o.yaw_rate, 0);
});
