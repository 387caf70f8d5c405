import t from 'tap';
import { createFollower, IMPLEMENTED_PROFILES } from '../../../lib/vehicle/followers/catalog.js';
import type { TrackerSample } from '../../../lib/vehicle/followers/tracker-sample.js';
import type { Setpoint } from '../../../lib/vehicle/setpoint.js';
import { rng, testConfig, vehicleState } from '../vehicle-fixtures.js';

const cfg = testConfig();
const sample = (x: number, y: number, over: Partial<TrackerSample> = {}): TrackerSample =>
  ({ position_2d: [x, y], confidence: 0.9, usable_for_following: true, timestamp: 1, ...over });

/** Every global limit, checked on one output. */
function withinLimits(sp: Setpoint, alt: number | null): string | null {
  const s = cfg.safety;
  const eps = 1e-9;
  if (sp.kind === 'velocity_body') {
    for (const [k, v] of [['fwd', sp.fwd], ['right', sp.right], ['down', sp.down]] as const) {
      if (!(Math.abs(v) <= s.max_velocity_m_s + eps)) return `${k} ${v}`;
    }
    const total = Math.hypot(sp.fwd, sp.right, sp.down);
    if (!(total <= s.max_total_velocity_m_s + eps)) return `total ${total}`;
    if (!(Math.abs(sp.yawspeed_deg_s) <= s.max_yaw_rate_deg_s + eps)) return `yaw ${sp.yawspeed_deg_s}`;
    if (alt === null && sp.down !== 0) return `vertical ${sp.down} with unknown altitude`;
    if (alt !== null && alt <= s.min_altitude_m && sp.down > 0) return `descending ${sp.down} at ${alt} m`;
    if (alt !== null && alt >= s.max_altitude_m && sp.down < 0) return `climbing ${sp.down} at ${alt} m`;
    return null;
  }
  for (const [k, v] of [['roll', sp.roll_rate], ['pitch', sp.pitch_rate]] as const) if (!(Math.abs(v) <= s.max_rate_deg_s + eps)) return `${k} ${v}`;
  if (!(Math.abs(sp.yaw_rate) <= s.max_yaw_rate_deg_s + eps)) return `yaw ${sp.yaw_rate}`;
  if (!(sp.thrust >= s.min_thrust - eps && sp.thrust <= s.max_thrust + eps)) return `thrust ${sp.thrust}`;
  return null;
}

t.test('property: no profile ever outputs a setpoint beyond a limit, whatever the input', async (t) => {
  for (const name of IMPLEMENTED_PROFILES) {
    const seed = 1000 + name.length;
    const r = rng(seed);
    const f = createFollower(name, testConfig({ follower: { descend_to_target: true, command_smoothing: 0 } }));
    let now = 0;
    let bad: string | null = null;
    for (let k = 0; k < 4000 && !bad; k++) {
      now += 5 + r() * 60;
      const alt = r() < 0.05 ? null : r() < 0.3 ? r() * 6 : r() < 0.1 ? 115 + r() * 10 : 3 + r() * 60;
      const v = vehicleState({ alt_m: alt, roll_deg: (r() - 0.5) * 70, pitch_deg: (r() - 0.5) * 70, ground_speed_m_s: r() * 15 });
      const kind = r();
      const s = kind < 0.05 ? null
        : kind < 0.1 ? sample(Number.NaN, 0)
          : kind < 0.2 ? sample((r() - 0.5) * 8, (r() - 0.5) * 8, { confidence: r() })
            : sample((r() - 0.5) * 2.4, (r() - 0.5) * 2.4, { confidence: 0.3 + r() * 0.7, usable_for_following: r() > 0.1 });
      f.update(s, v, now);
      const sp = f.tick(v, now + 1, r() > 0.02);
      bad = withinLimits(sp, alt);
      if (bad) bad = `step ${k} (seed ${seed}): ${bad}`;
    }
    t.equal(bad, null, `${name}: 4000 random steps within the limits`);
  }
});

t.test('stop tracking: neutral at once, whatever the profile would coast', async (t) => {
  const f = createFollower('mc_velocity_chase', cfg);
  const v = vehicleState();
  for (let k = 0; k < 90; k++) f.update(sample(0.3, 0), v, k * 33);
  t.ok(f.tick(v, 90 * 33, true).kind === 'velocity_body');
  f.update(null, v, 3000);
  const sp = f.tick(v, 3001, true);
  t.same(sp, { kind: 'velocity_body', fwd: 0, right: 0, down: 0, yawspeed_deg_s: 0 });
  t.equal(f.lossPhase, 'lost');
  t.equal(f.telemetry(3001).loss_policy.reason, 'tracking stopped');
  t.equal(f.hasUsableInput(3001), false);
});

t.test('corrupted input is refused and counted, never followed', async (t) => {
  const f = createFollower('mc_velocity_ground', cfg);
  const v = vehicleState();
  f.update(sample(0.2, 0.2), v, 0);
  for (const bad of [sample(Number.NaN, 0), sample(37, -12), sample(0, 0, { confidence: 3 }), { timestamp: 1 } as unknown as TrackerSample]) {
    f.update(bad, v, 10);
  }
  const tel = f.telemetry(10);
  t.equal(tel.invalid_inputs, 4);
  t.match(tel.last_rejection, /^invalid: /);
  t.same(tel.fields, { vel_body_fwd: 0, vel_body_right: 0, vel_body_down: 0, yawspeed_deg_s: 0 });
  t.equal(tel.loss_policy.phase, 'lost');
});

t.test('no tracker output for input_timeout_s, or dead video, counts as lost at the next tick', async (t) => {
  const f = createFollower('mc_velocity_ground', cfg);
  const v = vehicleState();
  f.update(sample(0.2, 0), v, 0);
  f.tick(v, 400, true);
  t.equal(f.lossPhase, 'tracking', 'still fresh at 400 ms');
  f.tick(v, 501, true);
  t.equal(f.lossPhase, 'lost', 'stale after 500 ms');
  t.match(f.telemetry(501).loss_policy.reason, /no tracker output for 500 ms/);
  const g = createFollower('mc_velocity_ground', cfg);
  g.update(sample(0.2, 0), v, 0);
  g.tick(v, 10, false);
  t.equal(g.lossPhase, 'lost');
  t.equal(g.telemetry(10).loss_policy.reason, 'video not live');
  g.update(sample(0.2, 0), v, 20, false);
  t.equal(g.lossPhase, 'lost', 'a sample while the video is dead is not followed');
});

t.test('ramp: a velocity command changes by at most max_accel_m_s2 × dt', async (t) => {
  const f = createFollower('mc_velocity_ground', testConfig({ follower: { max_accel_m_s2: 1.5, command_smoothing: 0 } }));
  const v = vehicleState();
  let prev = 0;
  for (let k = 1; k <= 20; k++) {
    f.update(sample(0.8, 0), v, k * 33);
    const sp = f.tick(v, k * 33, true);
    if (sp.kind !== 'velocity_body') throw new Error('kind');
    // The first step has no previous sample and assumes one frame (1/30 s).
    t.ok(sp.right - prev <= 1.5 * (k === 1 ? 1 / 30 : 0.033) + 1e-9, `step ${k}: ${sp.right - prev}`);
    prev = sp.right;
  }
  t.equal(prev, 0.5, 'reaches the limit');
});

t.test('begin() clears what the preview wound up', async (t) => {
  const f = createFollower('mc_velocity_position', cfg);
  const v = vehicleState();
  for (let k = 0; k < 300; k++) f.update(sample(0.5, 0), v, k * 33);
  const wound = f.tick(v, 300 * 33, true);
  t.ok(wound.kind === 'velocity_body' && wound.yawspeed_deg_s > 8, 'P 6 °/s plus 10 s of integral');
  f.begin(300 * 33);
  const fresh = f.tick(v, 300 * 33, true);
  t.same(fresh, { kind: 'velocity_body', fwd: 0, right: 0, down: 0, yawspeed_deg_s: 0 });
  t.equal(f.lossPhase, 'tracking', 'the input is still usable');
});
