import t from 'tap';
import { globalLimits } from '../../../lib/vehicle/followers/limits.js';
import { McVelocityPosition } from '../../../lib/vehicle/followers/mc-velocity-position.js';
import { newSetpoint, type VelocityBodySetpoint } from '../../../lib/vehicle/setpoint.js';
import { testConfig, vehicleState } from '../vehicle-fixtures.js';

const cfg = testConfig();
const law = () => new McVelocityPosition({ limits: globalLimits(cfg.safety), gains: cfg.follower.gains });

t.test('holds position: +x → clockwise yaw, +y (target below centre) → descend, no horizontal motion', async (t) => {
  const o = newSetpoint('velocity_body', 0.5) as VelocityBodySetpoint;
  const l = law();
  for (let k = 0; k < 30; k++) l.track(0.3, 0.2, vehicleState(), 1 / 30, o);
  t.ok(o.yawspeed_deg_s > 0, `yaw ${o.yawspeed_deg_s}`);
  t.ok(o.down > 0, `down ${o.down}`);
  t.equal(o.fwd, 0);
  t.equal(o.right, 0);
  const l2 = law();
  for (let k = 0; k < 30; k++) l2.track(-0.3, -0.2, vehicleState(), 1 / 30, o);
  t.ok(o.yawspeed_deg_s < 0 && o.down < 0, 'mirror image: counter-clockwise and climb');
  t.ok(Math.abs(o.yawspeed_deg_s) <= 45, 'yaw PID bounded by the yaw limit');
  t.equal(law().coast(), false, 'a loss means zero');
});
