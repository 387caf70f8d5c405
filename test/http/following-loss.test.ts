// Issue 13 end to end, the target is lost: while the server follows the
// person through the simulated vehicle (its own process, real UDP), the
// operator stops tracking, or the tracker output is corrupted (a drill);
// both start the follower's loss timeline (hold_s 0.5, action_after_s 1.5,
// hover = Hold): a zero setpoint at once, zeros while holding, then Hold and
// following ends. The vehicle's journal, stamped on its own clock, says when
// the first zero and the mode command arrived. Timing bounds are generous
// sanity bounds; bench/vehicle/closed-loop.ts measures the time to zero.

import t from 'tap';
import { call } from '../helpers/http.js';
import {
  ACTION_AFTER_S, DRILLS, epochMs, events, flightServer, follow, followerData, followingEnds, HOLD_S, lossSteps, MARGIN_S, moving, sim,
  stopComplete, vehicleInHold,
} from '../helpers/following.js';
import { waitFor } from '../helpers/wait.js';

t.test('target loss (stop_tracking): zero at once, hover on zeros, Hold at action_after_s, following ends', async (t) => {
  const srv = await flightServer(t);
  const b = srv.base;
  await follow(b);
  await moving(b);
  const tStop = epochMs();
  const t0 = performance.now();
  const stopped = await call(b, 'POST', '/commands/stop_tracking');
  t.equal(stopped.status, 200);
  const lost = (await followerData(b)).loss_policy;
  t.match(lost, { reason: 'tracking stopped', hold_s: HOLD_S, action_after_s: ACTION_AFTER_S, action: 'hover' });
  t.ok(['lost', 'holding', 'action'].includes(lost.phase), `loss phase right after stop_tracking: ${lost.phase}`);
  const endedS = await followingEnds(b, t0, ACTION_AFTER_S + MARGIN_S);
  t.comment(`following ended ${endedS.toFixed(2)} s after stop_tracking (action_after_s ${ACTION_AFTER_S})`);
  t.ok(endedS >= ACTION_AFTER_S - 0.05, `not before action_after_s: ${endedS.toFixed(2)} s`);
  const fd = await stopComplete(b);
  t.match(fd, { following_active: false, last_stop: { reason: 'target_lost' } });
  t.match(fd.loss_policy, { phase: 'action', action_requested: true });

  const journal = (await vehicleInHold(b)).filter((e) => e.at_ms >= tStop - 50);
  const zeros = journal.filter((e) => e.kind === 'zero_after_motion');
  const hold = journal.find((e) => e.kind === 'mode_command' && e.requested === 'Hold');
  t.equal(zeros.length, 1, 'one change from motion to zero: nothing but zeros from the loss to Hold');
  if (zeros.length !== 1) t.comment(`journal since stop_tracking (sent at ${tStop.toFixed(1)}): ${JSON.stringify(journal)}`);
  const zeroMs = zeros.length ? zeros[0].at_ms - tStop : NaN;
  const holdMs = hold ? hold.at_ms - tStop : NaN;
  t.comment(`at the vehicle (its clock): first zero setpoint ${zeroMs.toFixed(1)} ms after stop_tracking was sent, `
    + `DO_SET_MODE Hold after ${holdMs.toFixed(0)} ms`);
  t.ok(zeroMs >= -50 && zeroMs <= 1000, `first zero within 1 s of stop_tracking: ${zeroMs.toFixed(1)} ms`);
  t.match(hold, { result: 'ACCEPTED', last_setpoint_zero: true }, 'Hold asked for after a zero setpoint');
  t.ok(holdMs >= ACTION_AFTER_S * 1000 - 50 && holdMs <= (ACTION_AFTER_S + MARGIN_S) * 1000, `Hold at action_after_s: ${holdMs.toFixed(0)} ms`);
  t.ok(journal.some((e) => e.kind === 'mode_change' && e.from === 'Offboard' && e.to === 'Hold'), 'journal: Offboard -> Hold');

  const steps = lossSteps(await events(b), tStop / 1000 - 0.05);
  t.ok(steps.some((d) => /tracking -> lost \(tracking stopped\)/.test(d)), 'events: tracking -> lost');
  t.ok(steps.some((d) => /lost -> holding/.test(d)), 'events: lost -> holding');
  t.ok(steps.some((d) => /holding -> action .*hover/.test(d)), 'events: holding -> action (hover)');
  t.ok((await events(b)).some((e) => e.kind === 'offboard' && /-> stopping: target lost/.test(e.detail)),
    'events: the offboard stop, target lost');
  await waitFor(async () => (await call(b, 'GET', '/status')).body.vehicle.flight_mode_text === 'Hold', '/status to show Hold',
    { timeoutMs: 3000, everyMs: 50 });
  t.equal((await sim(b)).stats.limits.violations, 0);
});

t.test('corrupted tracker output: rejected by the follower (never sent), the loss policy runs to its action', async (t) => {
  const srv = await flightServer(t, DRILLS);
  const b = srv.base;
  for (const body of [{ kind: 'corrupt_tracker', seconds: 0 }, { kind: 'corrupt_tracker', seconds: 601 }, { kind: 'x', seconds: 1 }]) {
    t.equal((await call(b, 'POST', '/api/sim/faults', body)).status, 422, `enabled, still validated: ${JSON.stringify(body)}`);
  }
  await follow(b);
  const before = await followerData(b);
  t.equal(before.invalid_inputs, 0);
  const since = Date.now() / 1000;
  const t0 = performance.now();
  const r = await call(b, 'POST', '/api/sim/faults', { kind: 'corrupt_tracker', seconds: 5 });
  t.equal(r.status, 200, JSON.stringify(r.body));
  const endedS = await followingEnds(b, t0, ACTION_AFTER_S + MARGIN_S);
  t.comment(`following ended ${endedS.toFixed(2)} s after the corruption began`);
  t.ok(endedS >= ACTION_AFTER_S - 0.05 && endedS <= ACTION_AFTER_S + MARGIN_S, `at the loss action: ${endedS.toFixed(2)} s`);
  const fd = await stopComplete(b);
  t.ok(fd.invalid_inputs > 0, `${fd.invalid_inputs} corrupted outputs refused`);
  t.match(fd.last_rejection, /^invalid: /, `last rejection: ${fd.last_rejection}`);
  t.match(fd, { following_active: false, last_stop: { reason: 'target_lost' } });
  const steps = lossSteps(await events(b), since);
  t.ok(steps.some((d) => /tracking -> lost \(invalid: /.test(d)), `events: lost for invalid input: ${steps[0]}`);
  t.ok(steps.some((d) => /holding -> action/.test(d)), 'events: holding -> action');
  const journal = (await vehicleInHold(b)).filter((e) => e.at_ms >= since * 1000 - 50);
  t.ok(journal.some((e) => e.kind === 'mode_command' && e.requested === 'Hold' && e.last_setpoint_zero === true), 'Hold after a zero setpoint');
  const s = await sim(b);
  t.equal(s.stats.limits.violations, 0, `no corrupted value reached the vehicle (${s.stats.limits.checked} setpoints judged)`);
});
