import t from 'tap';
import { createFollower } from '../../../lib/vehicle/followers/catalog.js';
import { LossPolicy, type LossTransition } from '../../../lib/vehicle/followers/loss-policy.js';
import type { TrackerSample } from '../../../lib/vehicle/followers/tracker-sample.js';
import { testConfig, vehicleState } from '../vehicle-fixtures.js';

const good: TrackerSample = { position_2d: [0.1, -0.1], confidence: 0.9, usable_for_following: true, timestamp: 1 };
const lostSample: TrackerSample = { ...good, usable_for_following: false };

/** Runs a follower on a 50 ms tick: tracked for 1 s, then the target is lost; returns when each phase began (s after the loss). */
function timeline(profile: string, overrides: Record<string, unknown>) {
  const transitions: LossTransition[] = [];
  const f = createFollower(profile, testConfig(overrides), (tr) => transitions.push(tr));
  const v = vehicleState();
  let now = 0;
  let action: string | null = null;
  let actionAt: number | null = null;
  for (; now <= 1000; now += 50) { f.update(good, v, now); f.tick(v, now, true); }
  const lostAt = now;
  f.update(lostSample, v, now);
  for (; now <= lostAt + 15_000; now += 50) {
    f.tick(v, now, true);
    const a = f.consumeLossAction();
    if (a) { t.equal(action, null, 'the action is handed over once'); action = a; actionAt = (now - lostAt) / 1000; }
  }
  const at = (phase: string) => {
    const tr = transitions.find((x) => x.to === phase && x.at_ms >= lostAt);
    return tr ? (tr.at_ms - lostAt) / 1000 : null;
  };
  return { lost: at('lost'), holding: at('holding'), action: at('action'), handed: action, actionAt, f, lostAt };
}

t.test('default policy: lost → holding at hold_s → hover at action_after_s', async (t) => {
  const r = timeline('mc_velocity_ground', {});
  t.equal(r.lost, 0);
  t.equal(r.holding, 3);
  t.equal(r.action, 10);
  t.equal(r.handed, 'hover');
  t.equal(r.actionAt, 10);
});

t.test('configured rtl and land, globally and per profile, at their times', async (t) => {
  const rtl = timeline('mc_velocity_position', { follower: { loss: { hold_s: 1.5, action_after_s: 4, action: 'rtl' } } });
  t.same([rtl.holding, rtl.action, rtl.handed], [1.5, 4, 'rtl']);
  const land = timeline('mc_velocity_chase', { follower: { profiles: { mc_velocity_chase: { loss: { action: 'land', action_after_s: 6 } } } } });
  t.same([land.holding, land.action, land.handed], [3, 6, 'land']);
  const other = timeline('mc_attitude_rate', { follower: { profiles: { mc_velocity_chase: { loss: { action: 'land' } } } } });
  t.equal(other.handed, 'hover', 'a per-profile override applies to that profile only');
});

t.test('telemetry shows the phase and its timers', async (t) => {
  const f = createFollower('mc_velocity_ground', testConfig({ follower: { loss: { hold_s: 2, action_after_s: 5, action: 'land' } } }));
  const v = vehicleState();
  f.update(good, v, 0);
  f.update(lostSample, v, 100);
  f.tick(v, 1100, true);
  const lp = f.telemetry(1100).loss_policy;
  t.match(lp, { phase: 'lost', reason: 'tracker output not usable for following', hold_s: 2, action_after_s: 5, action: 'land', time_lost_s: 1, hold_remaining_s: 1, action_in_s: 4, action_requested: false, losses: 1 });
  f.tick(v, 5200, true);
  f.consumeLossAction();
  t.match(f.telemetry(5200).loss_policy, { phase: 'action', action_requested: true, action_in_s: 0 });
});

t.test('a usable target during the hold resumes tracking and restarts the timeline', async (t) => {
  const f = createFollower('mc_velocity_ground', testConfig({ follower: { loss: { hold_s: 1, action_after_s: 3, action: 'rtl' } } }));
  const v = vehicleState();
  f.update(good, v, 0);
  f.update(lostSample, v, 50);
  f.tick(v, 2000, true);
  t.equal(f.lossPhase, 'holding');
  f.update(good, v, 2050);
  t.equal(f.lossPhase, 'tracking');
  f.update(lostSample, v, 2100);
  f.tick(v, 4000, true);
  t.equal(f.lossPhase, 'holding', 'the timers count from the new loss');
  t.equal(f.consumeLossAction(), null);
  t.equal(f.telemetry(4000).loss_policy.losses, 2);
});

t.test('the chase coasts during the lost phase, then holds still', async (t) => {
  const f = createFollower('mc_velocity_chase', cfg());
  const v = vehicleState();
  for (let now = 0; now <= 2000; now += 33) f.update(good, v, now);
  f.update(lostSample, v, 2033);
  const sp = f.tick(v, 2083, true);
  t.ok(sp.kind === 'velocity_body' && sp.fwd > 0.4 && sp.yawspeed_deg_s > 0, 'coasting forward, still turning');
  let now = 2083;
  while (now < 2033 + 2900) { now += 50; f.tick(v, now, true); }
  t.same(f.tick(v, now, true), { kind: 'velocity_body', fwd: 0, right: 0, down: 0, yawspeed_deg_s: 0 }, 'stopped before the hold ends');
  function cfg() { return testConfig(); }
});

t.test('action_after_s before hold_s is refused', async (t) => {
  t.throws(() => new LossPolicy({ hold_s: 5, action_after_s: 2, action: 'hover' }), /action_after_s \(2\) must be >= loss.hold_s \(5\)/);
});
