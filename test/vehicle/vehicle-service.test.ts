import t from 'tap';
import { simSettingsFromConfig } from '../../lib/vehicle/sim/sim-options.js';
import { SimProcess } from '../../lib/vehicle/sim/sim-process.js';
import { VehicleService, vehicleConfigProblems } from '../../lib/vehicle/vehicle-service.js';
import { start, startHarness } from './service-harness.js';
import { sleep, testConfig, until } from './vehicle-fixtures.js';

t.test('closed loop: a moving ground target seen through the vehicle\'s pose is re-centred and kept centred', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  // Starts 4 m ahead and 3 m left (image ≈ (−0.26, −0.62)), then walks at 0.34 m/s.
  const log = h.feedGround((s) => [4 + 0.15 * s, -3 + 0.3 * s], 0.003);
  await sleep(300);
  const r = await start(h);
  t.equal(r.status, 'success', r.details.errors.join('; '));
  const t0 = log.times.at(-1)!;
  await sleep(22_000);
  // At 0.5 m/s per axis against a target walking away at 0.34 m/s, closing the first ~5 m takes about 11 s.
  const settled = log.errors.filter((_, i) => log.times[i] >= t0 + 12);
  const within = settled.filter((e) => e <= 0.15).length / settled.length;
  t.ok(log.errors[log.times.findIndex((x) => x >= t0)] > 0.5, `started off centre (${log.errors[log.times.findIndex((x) => x >= t0)].toFixed(2)})`);
  t.ok(within >= 0.9, `centre error <= 0.15 on ${(within * 100).toFixed(1)} % of ${settled.length} frames from 12 s on`);
  const s = await h.svc.sim!.stats();
  t.equal(s.limits.violations, 0, `no setpoint beyond a limit (${s.limits.checked} checked)`);
  t.equal(s.ground_contacts, 0);
  const p = h.svc.pose()!;
  t.ok(Math.abs(p.north_m - s.pose.north_m) < 0.2 && Math.abs(p.east_m - s.pose.east_m) < 0.2, 'pose() from telemetry matches the sim');
  t.equal((await h.svc.stopOffboard()).status, 'success');
});

t.test('target loss: rtl at the configured time, with the timers in the telemetry', async (t) => {
  const h = await startHarness({ follower: { loss: { hold_s: 1, action_after_s: 2.5, action: 'rtl' } } });
  t.teardown(() => h.close());
  h.feedFixed([0.2, 0.1]);
  await sleep(200);
  t.equal((await start(h)).status, 'success');
  await sleep(400);
  const at = performance.timeOrigin + performance.now();
  h.feedFixed([0.2, 0.1], false);
  await sleep(1500);
  t.match(h.svc.followerTelemetry(), {
    following_active: true,
    fields: { vel_body_fwd: 0, vel_body_right: 0, vel_body_down: 0, yawspeed_deg_s: 0 },
    loss_policy: { phase: 'holding', reason: 'tracker output not usable for following', action: 'rtl', hold_remaining_s: 0 },
  });
  t.ok(await until(() => h.transitions.at(-1)?.to === 'idle', 3000));
  const rtl = (await h.svc.sim!.journal()).filter((e) => e.kind === 'mode_command').at(-1)!;
  t.match(rtl, { requested: 'Return', result: 'ACCEPTED', last_setpoint_zero: true });
  t.ok(rtl.at_ms - at >= 2350 && rtl.at_ms - at <= 3600, `RTL requested ${(rtl.at_ms - at).toFixed(0)} ms after the loss (action_after_s 2.5)`);
  t.match(h.svc.followerTelemetry().last_stop, { reason: 'target_lost', detail: /loss action rtl/ });
  t.equal((await h.svc.sim!.stats()).mode_text, 'Return');
});

t.test('3 failed publishes in a row stop following (udpout, the vehicle process dies)', async (t) => {
  const cfg = testConfig({ safety: { circuit_breaker: 'off' } });
  const sim = await SimProcess.start({ ...simSettingsFromConfig(cfg), listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: 9 });
  const svc = new VehicleService(testConfig({ vehicle: { connection: `udpout://127.0.0.1:${sim.port}` }, safety: { circuit_breaker: 'off' } }));
  t.teardown(async () => { await svc.close(); await sim.close(); });
  await svc.start();
  t.ok(await until(() => svc.link.connected, 3000), 'udpout: the sim answers our HEARTBEAT');
  const feed = setInterval(() => svc.onTrackerOutput({ position_2d: [0.1, 0], confidence: 1, usable_for_following: true, timestamp: Date.now() / 1000 }), 33);
  t.teardown(() => clearInterval(feed));
  await sleep(100);
  t.equal((await svc.startOffboard({ videoLive: () => true })).status, 'success');
  const stops: string[] = [];
  svc.on('transition', (tr) => stops.push(tr.reason));
  const killed = performance.now();
  process.kill(sim.pid!, 'SIGKILL');
  t.ok(await until(() => !svc.following, 2000), 'following stopped');
  const ms = performance.now() - killed;
  t.ok(ms < 1000, `after ${ms.toFixed(0)} ms, well before the 3 s heartbeat timeout`);
  t.match(stops.at(-1), /^publish_failed: 3 setpoint sends failed in a row \(.*ECONNREFUSED/);
  t.match(svc.followerTelemetry().keepalive, { running: false, last_error: /ECONNREFUSED/ });
});

t.test('signing end to end: same passphrase flies; a vehicle with another key is never heard', async (t) => {
  const h = await startHarness({ vehicle: { signing_passphrase: 'swordfish' } });
  t.teardown(() => h.close());
  h.feedFixed([0.1, 0]);
  await sleep(200);
  t.equal((await start(h)).status, 'success');
  await sleep(500);
  const s = await h.svc.sim!.stats();
  t.match(s.link.rejected, { unsigned: 0, bad_signature: 0, replay: 0 }, 'the sim accepted every packet');
  t.match(h.svc.link.stats.rejected, { unsigned: 0, bad_signature: 0, replay: 0 });
  t.equal(h.svc.link.signing, true);
  const svc = new VehicleService(testConfig({ vehicle: { connection: 'udpin://127.0.0.1:0', signing_passphrase: 'swordfish' } }));
  await svc.start();
  const other = await SimProcess.start({
    ...simSettingsFromConfig(testConfig({ vehicle: { signing_passphrase: 'not swordfish' } })),
    listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: svc.link.local_port!,
  });
  t.teardown(async () => { await svc.close(); await other.close(); });
  await sleep(2500);
  t.equal(svc.link.connected, false);
  t.ok(svc.link.stats.rejected.bad_signature > 50, `${svc.link.stats.rejected.bad_signature} wrongly signed packets rejected`);
  t.equal(svc.pose(), null, 'no telemetry taken from them');
});

t.test('configuration problems are refused up front; status, profiles and close', async (t) => {
  t.throws(() => new VehicleService(testConfig({ follower: { profiles: { mc_velocity_ground: { limits: { max_velocity_m_s: 3 } } } } })),
    { code: 'SKYFEED_ERR_VEHICLE_CONFIG', message: /max_velocity_m_s: value 3 is looser/ });
  t.same(vehicleConfigProblems(testConfig()), []);
  const real = new VehicleService(testConfig({ vehicle: { connection: 'udpin://127.0.0.1:0' } }));
  t.equal(real.circuitBreaker, true, 'auto: on for a real link');
  const sim = new VehicleService(testConfig());
  t.equal(sim.circuitBreaker, false, 'auto: off for the sim');
  t.match(sim.profiles(), { current_profile: 'mc_velocity_ground', following_active: false });
  t.throws(() => sim.switchProfile('gm_pid_pursuit'), { code: 'SKYFEED_ERR_PROFILE_NOT_IMPLEMENTED' });
  t.match(sim.status(), { connection: 'sim', circuit_breaker: false, offboard: { phase: 'idle' }, sim: { running: false } });
  t.match(sim.followerTelemetry(), { preview: true, following_active: false, loss_policy: { phase: 'idle' } });
  t.equal(sim.pose(), null);
  await sim.close();
  await sim.close();
  await real.close();
});
