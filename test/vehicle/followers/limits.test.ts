import t from 'tap';
import { ALTITUDE_APPROACH_GAIN, clampAttitude, clampVelocity, CLIP, globalLimits, tightenLimits } from '../../../lib/vehicle/followers/limits.js';
import type { AttitudeRateSetpoint, VelocityBodySetpoint } from '../../../lib/vehicle/setpoint.js';
import { testConfig, vehicleState } from '../vehicle-fixtures.js';

const limits = globalLimits(testConfig().safety);
const vel = (fwd: number, right: number, down: number, yaw: number): VelocityBodySetpoint => ({ kind: 'velocity_body', fwd, right, down, yawspeed_deg_s: yaw });

t.test('the spec\'s global limits are the defaults', async (t) => {
  t.match(limits, { max_velocity_m_s: 0.5, max_total_velocity_m_s: 1.0, max_yaw_rate_deg_s: 45, min_altitude_m: 3, max_altitude_m: 120 });
});

t.test('per axis, total speed and yaw rate', async (t) => {
  const sp = vel(2, -2, 0, -90);
  const mask = clampVelocity(sp, limits, vehicleState());
  t.same([sp.fwd, sp.right, sp.yawspeed_deg_s], [0.5, -0.5, -45]);
  t.ok(mask & CLIP.fwd && mask & CLIP.right && mask & CLIP.yaw);
  const sp2 = vel(0.5, 0.5, 0.5, 0);
  clampVelocity(sp2, limits, vehicleState());
  t.ok(Math.hypot(sp2.fwd, sp2.right, sp2.down) <= 0.8660254 + 1e-6, 'three axes at 0.5 are within 1.0 total');
  const tight = { ...limits, max_total_velocity_m_s: 0.6 };
  const sp3 = vel(0.5, 0.5, 0, 0);
  t.ok(clampVelocity(sp3, tight, vehicleState()) & CLIP.total);
  t.ok(Math.hypot(sp3.fwd, sp3.right) <= 0.6, 'scaled to the total limit');
  t.ok(Math.abs(sp3.fwd - sp3.right) < 1e-12, 'direction kept');
});

t.test('altitude band: slows near min/max, never descends at the floor or climbs at the ceiling, stops vertical motion when unknown', async (t) => {
  const at = (alt: number | null, down: number) => {
    const sp = vel(0, 0, down, 0);
    const mask = clampVelocity(sp, limits, vehicleState({ alt_m: alt }));
    return { down: sp.down, mask };
  };
  t.equal(at(3, 0.5).down, 0, 'no descent at the floor');
  t.equal(at(2, 0.5).down, 0, 'no descent below the floor');
  t.ok(Math.abs(at(3.2, 0.5).down - 0.2 * ALTITUDE_APPROACH_GAIN) < 1e-9, 'slowing 0.2 m above the floor');
  t.ok(at(3.2, 0.5).mask & CLIP.altitude_floor);
  t.equal(at(2, -0.5).down, -0.5, 'climbing away from the floor is allowed');
  t.equal(at(120, -0.5).down, 0, 'no climb at the ceiling');
  t.equal(at(null, 0.3).down, 0, 'unknown altitude: no vertical motion');
  t.ok(at(null, 0.3).mask & CLIP.altitude_unknown);
});

t.test('NaN never leaves: the whole setpoint becomes a stop', async (t) => {
  const sp = vel(Number.NaN, 0.2, 0, 10);
  clampVelocity(sp, limits, vehicleState());
  t.same([sp.fwd, sp.right, sp.down, sp.yawspeed_deg_s], [0, 0, 0, 0]);
  const a: AttitudeRateSetpoint = { kind: 'attitude_rate', roll_rate: 1, pitch_rate: Number.NaN, yaw_rate: 0, thrust: 0.7 };
  clampAttitude(a, limits, vehicleState(), 0.5);
  t.same([a.roll_rate, a.pitch_rate, a.yaw_rate, a.thrust], [0, 0, 0, 0.5]);
});

t.test('attitude: rates, thrust, tilt and altitude rules', async (t) => {
  const a: AttitudeRateSetpoint = { kind: 'attitude_rate', roll_rate: 100, pitch_rate: -100, yaw_rate: 90, thrust: 1 };
  clampAttitude(a, limits, vehicleState(), 0.5);
  t.same([a.roll_rate, a.pitch_rate, a.yaw_rate, a.thrust], [30, -30, 45, 0.9]);
  const tilted: AttitudeRateSetpoint = { kind: 'attitude_rate', roll_rate: 10, pitch_rate: -5, yaw_rate: 0, thrust: 0.5 };
  clampAttitude(tilted, limits, vehicleState({ roll_deg: 26, pitch_deg: -30 }), 0.5);
  t.equal(tilted.roll_rate, 0, 'no more roll past max_tilt_deg');
  t.equal(tilted.pitch_rate, 0, 'no more nose-down past max_tilt_deg');
  const low: AttitudeRateSetpoint = { kind: 'attitude_rate', roll_rate: 0, pitch_rate: 0, yaw_rate: 0, thrust: 0.2 };
  clampAttitude(low, limits, vehicleState({ alt_m: 2.5 }), 0.5);
  t.equal(low.thrust, 0.5, 'at the floor thrust cannot go below hover');
});

t.test('a profile may only tighten the global limits', async (t) => {
  const ok = tightenLimits(limits, { max_velocity_m_s: 0.3, max_yaw_rate_deg_s: 30 }, 'p');
  t.equal(ok.limits.max_velocity_m_s, 0.3);
  t.equal(ok.limits.max_yaw_rate_deg_s, 30);
  t.same(ok.problems, []);
  const loose = tightenLimits(limits, { max_velocity_m_s: 2 }, 'follower.profiles.x.limits');
  t.equal(loose.limits.max_velocity_m_s, 0.5, 'the looser value is ignored');
  t.match(loose.problems[0], /follower\.profiles\.x\.limits\.max_velocity_m_s: value 2 is looser than safety\.max_velocity_m_s \(0\.5\)/);
});
