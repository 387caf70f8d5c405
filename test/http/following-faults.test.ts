// Issue 13 end to end, the link and the camera fail: while the server
// follows the person through the simulated vehicle (its own process, real
// UDP), the link goes silent (drop_link) or the video freezes; each must end
// in its policy within its timeout (heartbeat_timeout_s 1.5 → link lost;
// frozen video → the loss timeline, hold_s 0.5, action_after_s 1.5, hover =
// Hold). The drills themselves are refused unless sim.fault_injection, admin
// only, bodies validated. What reached the vehicle is read from its own
// statistics and journal. Timing bounds are generous sanity bounds.

import t from 'tap';
import { call } from '../helpers/http.js';
import { TEST_ADMIN_TOKEN } from '../helpers/child-server.js';
import {
  ACTION_AFTER_S, DRILLS, events, flightServer, follow, followingEnds, HEARTBEAT_TIMEOUT_S, lossSteps, MARGIN_S, sim, stopComplete,
  vehicleInHold,
} from '../helpers/following.js';
import { pause, waitFor } from '../helpers/wait.js';

t.test('link loss (drop_link 3 s): following ends as link lost within heartbeat_timeout_s, the link comes back', async (t) => {
  const srv = await flightServer(t, DRILLS);
  const b = srv.base;
  // Drills enabled, still admin only.
  const operator = await srv.server.context.auth.tokens.create('drill-operator', 'operator');
  const refused = await call(b, 'POST', '/api/sim/faults', { kind: 'drop_link', seconds: 3 }, { authorization: `Bearer ${operator}` });
  t.match(refused, { status: 403, body: { code: 'SKYFEED_ERR_AUTH_ROLE' } }, 'an operator cannot drop the link');
  await follow(b);
  t.equal((await sim(b)).stats.link.drops, 0, 'the operator\'s drill did nothing');
  const t0 = performance.now();
  const r = await call(b, 'POST', '/api/sim/faults', { kind: 'drop_link', seconds: 3 });
  t.equal(r.status, 200, JSON.stringify(r.body));
  t.match(r.body, { status: 'injected', kind: 'drop_link', seconds: 3 });
  const endedS = await followingEnds(b, t0, HEARTBEAT_TIMEOUT_S + MARGIN_S);
  t.comment(`following ended ${endedS.toFixed(2)} s after the link went silent (heartbeat_timeout_s ${HEARTBEAT_TIMEOUT_S})`);
  t.ok(endedS <= HEARTBEAT_TIMEOUT_S + 1.5, `within heartbeat_timeout_s + 1.5 s: ${endedS.toFixed(2)} s`);
  const during = (await call(b, 'GET', '/status')).body.vehicle;
  t.match(during, { connected: false, following_active: false }, '/status vehicle during the drop');
  const fd = await stopComplete(b);
  t.match(fd.last_stop, { reason: 'link_lost', detail: /link lost/ });
  const ev = await events(b);
  t.ok(ev.some((e) => e.kind === 'link' && /^lost/.test(e.detail)), 'events: link lost');
  t.ok(ev.some((e) => e.kind === 'offboard' && /-> idle: link_lost/.test(e.detail)), 'events: offboard stop, link_lost');
  t.ok(ev.some((e) => e.kind === 'fault' && /drop_link/.test(e.detail)), 'events: the drill');

  await waitFor(async () => (await call(b, 'GET', '/status')).body.vehicle.connected === true, 'the link to come back',
    { timeoutMs: (3 + MARGIN_S) * 1000, everyMs: 50 });
  const backS = (performance.now() - t0) / 1000;
  t.comment(`link back ${backS.toFixed(2)} s after the drop began`);
  t.ok(backS >= 2.9, `not before the 3 s drop ended: ${backS.toFixed(2)} s`);
  const s = await sim(b);
  t.match(s.stats.link, { drops: 1 });
  const discarded = s.stats.link.discarded_while_dropped as number;
  t.ok(discarded > 0, `the vehicle heard nothing while dropped (${discarded} packets discarded)`);
  const drop = s.journal.findIndex((e) => e.kind === 'link_drop');
  const failsafe = s.journal.findIndex((e) => e.kind === 'mode_change' && e.from === 'Offboard' && /failsafe/.test(String(e.reason)));
  t.ok(drop >= 0 && failsafe > drop, 'the vehicle ran its own offboard-loss failsafe after the drop');
  t.ok(s.journal.some((e) => e.kind === 'link_restore'), 'journal: link restored');
  t.equal(s.stats.commands.do_set_mode, 1, 'nothing but the OFFBOARD request: no mode command over a dead link');
  await waitFor(async () => (await call(b, 'GET', '/status')).body.vehicle.flight_mode_text === 'Hold', '/status to show Hold',
    { timeoutMs: 3000, everyMs: 50 });
  t.equal((await call(b, 'GET', '/status')).body.following_active, false);
});

t.test('video freeze: frames stop, the loss policy runs to its action, following ends; frames come back', async (t) => {
  const srv = await flightServer(t, DRILLS);
  const b = srv.base;
  await follow(b);
  const frames = async () => (await call(b, 'GET', '/status')).body.source.frames as number;
  const since = Date.now() / 1000;
  const t0 = performance.now();
  const r = await call(b, 'POST', '/api/sim/faults', { kind: 'freeze_video', seconds: 4 });
  t.equal(r.status, 200, JSON.stringify(r.body));
  t.ok(r.body.faults.video_frozen_s > 3, `frozen for ${r.body.faults.video_frozen_s} s`);
  // A frame being drawn when the drill began may still arrive.
  await pause(100);
  const atFreeze = await frames();
  const endedS = await followingEnds(b, t0, ACTION_AFTER_S + MARGIN_S);
  const atEnd = await frames();
  t.comment(`following ended ${endedS.toFixed(2)} s after the freeze; frames ${atFreeze} -> ${atEnd} meanwhile`);
  t.ok(endedS < 4, 'before the video came back');
  t.ok(atEnd - atFreeze <= 1, `no new frames while frozen (${atFreeze} -> ${atEnd})`);
  t.ok(endedS >= ACTION_AFTER_S - 0.05 && endedS <= ACTION_AFTER_S + MARGIN_S, `at the loss action: ${endedS.toFixed(2)} s`);
  t.match(await stopComplete(b), { following_active: false, last_stop: { reason: 'target_lost' } });
  const steps = lossSteps(await events(b), since);
  t.ok(steps.some((d) => /tracking -> lost \((video not live|no tracker output)/.test(d)), `events: lost for the video: ${steps[0]}`);
  t.ok(steps.some((d) => /holding -> action/.test(d)), 'events: holding -> action');
  const journal = (await vehicleInHold(b)).filter((e) => e.at_ms >= since * 1000 - 50);
  t.ok(journal.some((e) => e.kind === 'mode_command' && e.requested === 'Hold' && e.last_setpoint_zero === true), 'Hold after a zero setpoint');
  await waitFor(async () => (await frames()) > atEnd + 5, 'frames after the freeze', { timeoutMs: (4 + MARGIN_S) * 1000, everyMs: 50 });
  const backS = (performance.now() - t0) / 1000;
  t.ok(backS >= 3.9, `frames again only after the 4 s freeze: ${backS.toFixed(2)} s`);
});

t.test('video source restarted while following (live fps change): stop_offboard_mode is not refused for want of a frame', async (t) => {
  const srv = await flightServer(t);
  const b = srv.base;
  await follow(b);
  // streaming.fps applies live by replacing the source; the new one has no frame until it delivers.
  const put = call(b, 'PUT', '/api/config/streaming/fps', { value: 15 });
  const gap = await waitFor(async () => {
    const st = (await call(b, 'GET', '/status')).body;
    return !(st.source?.frames > 0) ? st : null;
  }, 'the source to be replaced (no frame yet)', { timeoutMs: 5000, everyMs: 1 });
  t.equal(gap.following_active, true, 'still following while the source restarts');
  const off = await call(b, 'POST', '/commands/stop_offboard_mode');
  const after = (await call(b, 'GET', '/status')).body;
  t.comment(`/status read after the stop: the new source had ${after.source?.frames ?? 'no'} frames (0 or none: the stop ran inside the gap)`);
  t.equal(off.status, 200, JSON.stringify(off.body));
  t.match(off.body, { status: 'success', was_active: true });
  t.equal((await put).status, 200);
  const journal = await vehicleInHold(b);
  t.ok(journal.some((e) => e.kind === 'mode_command' && e.requested === 'Hold' && e.last_setpoint_zero === true),
    'the vehicle got the zero and Hold');
});

t.test('fault drills: refused unless sim.fault_injection, admin only, bodies validated', async (t) => {
  const srv = await flightServer(t);
  const b = srv.base;
  for (const kind of ['drop_link', 'freeze_video', 'corrupt_tracker']) {
    const r = await call(b, 'POST', '/api/sim/faults', { kind, seconds: 1 });
    t.equal(r.status, 403, kind);
    t.equal(r.body.code, 'SKYFEED_ERR_FAULT_INJECTION_DISABLED', kind);
    t.match(r.body.detail, /sim\.fault_injection/);
  }
  const tokens = srv.server.context.auth.tokens;
  const viewer = await tokens.create('drill-viewer', 'viewer');
  const operator = await tokens.create('drill-operator', 'operator');
  const body = { kind: 'drop_link', seconds: 1 };
  for (const [who, tok] of [['viewer', viewer], ['operator', operator]]) {
    const r = await call(b, 'POST', '/api/sim/faults', body, { authorization: `Bearer ${tok}` });
    t.equal(r.status, 403, who);
    t.equal(r.body.code, 'SKYFEED_ERR_AUTH_ROLE', `${who}: refused for the role`);
  }
  t.equal((await call(b, 'POST', '/api/sim/faults', body, { authorization: '' })).status, 401, 'no token');
  t.equal((await call(b, 'POST', '/api/sim/faults', body, { authorization: 'Bearer sf_wrong_token_0000000000' })).status, 401, 'wrong token');
  const bad: unknown[] = [
    { kind: 'drop_link', seconds: 0 }, { kind: 'x', seconds: 1 }, { kind: 'drop_link' }, { seconds: 1 },
    { kind: 'drop_link', seconds: 601 }, { kind: 'drop_link', seconds: '1' }, { kind: 'drop_link', seconds: 1, extra: true },
  ];
  for (const x of bad) {
    const r = await call(b, 'POST', '/api/sim/faults', x, { authorization: `Bearer ${TEST_ADMIN_TOKEN}` });
    t.equal(r.status, 422, JSON.stringify(x));
  }
  t.equal((await call(b, 'POST', '/api/sim/faults', '{"kind":')).status, 400, 'malformed JSON');
  const st = (await call(b, 'GET', '/api/vehicle/status')).body;
  t.same(st.fault_injection.injected, { drop_link: 0, freeze_video: 0, corrupt_tracker: 0 }, 'nothing was injected');
  t.equal(st.fault_injection.enabled, false);
  const s = await sim(b);
  t.equal(s.stats.link.drops, 0, 'the vehicle\'s link was never dropped');
  t.equal((await call(b, 'GET', '/status')).body.vehicle.connected, true);
});
