import t from 'tap';
import { globalLimits } from '../../../lib/vehicle/followers/limits.js';
import { McVelocityGround } from '../../../lib/vehicle/followers/mc-velocity-ground.js';
import { newSetpoint, type VelocityBodySetpoint } from '../../../lib/vehicle/setpoint.js';
import { testConfig, vehicleState } from '../vehicle-fixtures.js';

const cfg = testConfig();
const law = (descend = false) => new McVelocityGround({
  limits: globalLimits(cfg.safety), gains: cfg.follower.gains, descendToTarget: descend, maxDescentMs: 0.3, feedForwardGain: 0,
});
const step = (l: McVelocityGround, ex: number, ey: number, alt = 20) => {
  const out = newSetpoint('velocity_body', 0.5) as VelocityBodySetpoint;
  l.track(ex, ey, vehicleState({ alt_m: alt }), 1 / 30, out);
  return out;
};

t.test('signs: target right → right; target above centre (−y) → forward; yaw stays 0', async (t) => {
  const right = step(law(), 0.05, 0);
  t.ok(right.right > 0, `right ${right.right}`);
  t.equal(right.fwd, 0);
  const left = step(law(), -0.05, 0);
  t.ok(left.right < 0);
  const above = step(law(), 0, -0.05);
  t.ok(above.fwd > 0, `forward ${above.fwd}`);
  t.equal(above.right, 0);
  const below = step(law(), 0, 0.05);
  t.ok(below.fwd < 0, 'target below centre → backward');
  for (const o of [right, left, above, below]) t.equal(o.yawspeed_deg_s, 0);
  t.equal(right.down, 0, 'no vertical motion without descend_to_target');
});

t.test('uses the forward and lateral gains (4.5 P): small errors are proportional', async (t) => {
  // First step: P + I·dt (+ no derivative yet).
  const o = step(law(), 0.02, -0.03);
  t.ok(Math.abs(o.right - (4.5 * 0.02 + 0.1 * 0.02 / 30)) < 1e-9, `right ${o.right}`);
  t.ok(Math.abs(o.fwd - (4.5 * 0.03 + 0.1 * 0.03 / 30)) < 1e-9, `fwd ${o.fwd}`);
});

t.test('descend to target: only near the aim point, never climbs, stops at the floor', async (t) => {
  const l = law(true);
  t.ok(step(l, 0, 0, 20).down > 0, 'centred: descends');
  t.equal(step(law(true), 0.6, 0, 20).down, 0, 'far off centre: holds height');
  t.equal(step(law(true), 0, 0, 3).down, 0, 'at the floor: no descent');
  const l2 = law(true);
  for (let k = 0; k < 100; k++) t.ok(step(l2, 0, 0, 3 + k * 0.2).down >= 0, 'never a climb');
  t.ok(step(law(true), 0, 0, 50).down <= 0.3, 'within max_descent_m_s');
});

t.test('nothing to coast on: a loss means zero', async (t) => {
  const out = newSetpoint('velocity_body', 0.5);
  t.equal(law().coast(), false);
  t.same(out, { kind: 'velocity_body', fwd: 0, right: 0, down: 0, yawspeed_deg_s: 0 });
});

t.test('feed-forward: the target velocity is added to the PID command; gain 0 is the pure PID', async (t) => {
  const opts = { limits: globalLimits(cfg.safety), gains: cfg.follower.gains, descendToTarget: false, maxDescentMs: 0.3 };
  const run = (gain: number, motion: { fwd: number; right: number } | null) => {
    const l = new McVelocityGround({ ...opts, feedForwardGain: gain });
    const out = newSetpoint('velocity_body', 0.5) as VelocityBodySetpoint;
    l.track(0, 0, vehicleState(), 1 / 30, out, motion);
    return out;
  };
  t.same([run(1, { fwd: 0.3, right: -0.2 }).fwd, run(1, { fwd: 0.3, right: -0.2 }).right], [0.3, -0.2], 'centred target: the command is its velocity');
  t.same([run(0.5, { fwd: 0.3, right: -0.2 }).fwd, run(0.5, { fwd: 0.3, right: -0.2 }).right], [0.15, -0.1], 'weighted by the gain');
  t.same([run(0, { fwd: 0.3, right: -0.2 }).fwd, run(0, { fwd: 0.3, right: -0.2 }).right], [0, 0], 'gain 0: the original law');
  t.same([run(1, null).fwd, run(1, null).right], [0, 0], 'no estimate yet: PID only');
});
