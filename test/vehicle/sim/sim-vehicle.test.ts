import t from 'tap';
import { common, minimal } from 'node-mavlink';
import { decodeMessage } from '../../../lib/vehicle/link/mavlink-codec.js';
import { MAV_FRAME_BODY_NED, TYPE_MASK_VELOCITY_YAWRATE } from '../../../lib/vehicle/link/mavlink-link.js';
import { px4CustomMode } from '../../../lib/vehicle/link/px4-modes.js';
import { simSettingsFromConfig } from '../../../lib/vehicle/sim/sim-options.js';
import { SimVehicle } from '../../../lib/vehicle/sim/sim-vehicle.js';
import { FakeAutopilot as Peer } from '../link/fake-autopilot.js';
import { sleep, testConfig, until } from '../vehicle-fixtures.js';

async function startSim(over: Record<string, unknown> = {}) {
  const peer = new Peer(1, 191);
  const peerPort = await peer.bind();
  const sim = new SimVehicle({
    ...simSettingsFromConfig(testConfig(over)), listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: peerPort,
  });
  const port = await sim.start();
  return { sim, peer, port };
}

function velocity(vx: number, vy = 0, vz = 0, yawRate = 0, frame = MAV_FRAME_BODY_NED, mask = TYPE_MASK_VELOCITY_YAWRATE) {
  const m = new common.SetPositionTargetLocalNed();
  m.targetSystem = 1; m.targetComponent = 1; m.coordinateFrame = frame as common.MavFrame; m.typeMask = mask as common.PositionTargetTypemask;
  m.vx = vx; m.vy = vy; m.vz = vz; m.yawRate = yawRate;
  return m;
}

function setMode(main: number, sub = 0) {
  const m = new common.CommandLong();
  m.targetSystem = 1; m.targetComponent = 1; m.command = common.MavCmd.DO_SET_MODE; m._param1 = 1; m._param2 = main; m._param3 = sub;
  return m;
}

const acks = (p: Peer) => p.received.filter((r) => r.packet.msgid === 77).map((r) => decodeMessage(r.packet, common.CommandAck));

t.test('speaks like PX4: HEARTBEAT 1 Hz in Hold, armed; ATTITUDE and LOCAL_POSITION_NED at the telemetry rate, the rest slower', async (t) => {
  const { sim, peer } = await startSim();
  t.teardown(async () => { await sim.close(); await peer.close(); });
  await sleep(2100);
  const count = (id: number) => peer.received.filter((r) => r.packet.msgid === id).length;
  t.ok(count(0) >= 2 && count(0) <= 4, `HEARTBEAT ${count(0)} in 2.1 s`);
  const hb = decodeMessage(peer.received.find((r) => r.packet.msgid === 0)!.packet, minimal.Heartbeat);
  t.match(hb, { type: 2, autopilot: 12, customMode: px4CustomMode(4, 3) });
  t.ok(hb.baseMode & 128, 'armed');
  t.ok(count(30) >= 50, `ATTITUDE ${count(30)} in 2.1 s (30 Hz)`);
  t.ok(count(32) >= 50, `LOCAL_POSITION_NED ${count(32)}`);
  t.ok(count(33) >= 8 && count(74) >= 6 && count(1) >= 2, 'GLOBAL_POSITION_INT, VFR_HUD, SYS_STATUS');
  const lp = decodeMessage(peer.received.filter((r) => r.packet.msgid === 32).at(-1)!.packet, common.LocalPositionNed);
  t.ok(Math.abs(lp.z + 20) < 0.01, 'airborne at 20 m, not taking off or landing by itself');
});

t.test('refuses OFFBOARD without a setpoint stream, accepts it after one, falls back to Hold when the stream stops', async (t) => {
  const { sim, peer, port } = await startSim();
  t.teardown(async () => { await sim.close(); await peer.close(); });
  await peer.send(setMode(6), port);
  await until(() => acks(peer).length === 1, 1000);
  t.match(acks(peer)[0], { command: 176, result: common.MavResult.TEMPORARILY_REJECTED });
  const timer = setInterval(() => void peer.send(velocity(0), port), 50);
  await sleep(500);
  await peer.send(setMode(6), port);
  await until(() => acks(peer).length === 2, 1000);
  t.equal(acks(peer)[1].result, common.MavResult.TEMPORARILY_REJECTED, '0.5 s of stream is not enough (needs 0.8 s)');
  await sleep(500);
  await peer.send(setMode(6), port);
  await until(() => acks(peer).length === 3, 1000);
  t.equal(acks(peer)[2].result, common.MavResult.ACCEPTED);
  t.equal(sim.stats().mode_text, 'Offboard');
  clearInterval(timer);
  const stopped = performance.now();
  t.ok(await until(() => sim.stats().mode_text === 'Hold', 1500), 'fell back to Hold');
  const ms = performance.now() - stopped;
  t.ok(ms >= 400 && ms < 1500, `after ${ms.toFixed(0)} ms without setpoints (timeout 500 ms)`);
  const change = sim.journal().filter((e) => e.kind === 'mode_change').at(-1)!;
  t.match(change, { from: 'Offboard', to: 'Hold', reason: /setpoints lost/ });
  const cmds = sim.journal().filter((e) => e.kind === 'mode_command');
  t.match(cmds.map((c) => c.result), ['TEMPORARILY_REJECTED', 'TEMPORARILY_REJECTED', 'ACCEPTED']);
  t.equal(cmds[2].nonzero_before, 0);
  t.equal(cmds[2].last_setpoint_zero, true);
});

t.test('flies body velocities in OFFBOARD, and its pose matches what it publishes', async (t) => {
  const { sim, peer, port } = await startSim({ sim: { start_yaw_deg: 90 } });
  t.teardown(async () => { await sim.close(); await peer.close(); });
  const timer = setInterval(() => void peer.send(velocity(0.5, 0, 0, 0), port), 50);
  t.teardown(() => clearInterval(timer));
  await sleep(1000);
  await peer.send(setMode(6), port);
  await sleep(2500);
  const s = sim.stats();
  t.equal(s.mode_text, 'Offboard');
  t.ok(s.pose.east_m > 0.8 && Math.abs(s.pose.north_m) < 0.05, `heading east, forward is east: ${JSON.stringify(s.pose)}`);
  t.ok(s.setpoints.rate_hz > 15 && s.setpoints.rate_hz < 25, `${s.setpoints.rate_hz} Hz measured`);
  const lp = decodeMessage(peer.received.filter((r) => r.packet.msgid === 32).at(-1)!.packet, common.LocalPositionNed);
  const at = decodeMessage(peer.received.filter((r) => r.packet.msgid === 30).at(-1)!.packet, common.Attitude);
  const now = sim.pose();
  t.ok(Math.abs(lp.y - now.east_m) < 0.5 * 0.1, `LOCAL_POSITION_NED.y ${lp.y} within one telemetry period of the pose ${now.east_m}`);
  t.ok(Math.abs(at.yaw - Math.PI / 2) < 1e-6, 'ATTITUDE.yaw = 90° in radians');
  t.equal(s.limits.violations, 0);
});

t.test('every setpoint is judged against the limits; violations are counted by kind', async (t) => {
  const { sim, peer, port } = await startSim();
  t.teardown(async () => { await sim.close(); await peer.close(); });
  await peer.send(velocity(0.9), port);
  await peer.send(velocity(0.4, 0.4, 0.4, 1), port);
  await peer.send(velocity(0.7, 0.7, 0.2), port);
  await peer.send(velocity(0.1, 0, 0, 0, 1, 0x1ff), port);
  await peer.send(velocity(0.5, 0.5, 0.5, 0.78), port);
  await until(() => sim.stats().limits.checked === 5, 1000);
  const l = sim.stats().limits;
  t.same(l.by_kind, { velocity_x: 2, yaw_rate: 1, velocity_y: 1, velocity_total: 1, type_mask: 1 });
  t.equal(l.violations, 6, 'the last setpoint (0.5 on each axis, 44.7 °/s) is within every limit');
  t.match(l.first[0], { kind: 'velocity_x', detail: /vx 0\.8999\d+ > 0\.5/ });
});

t.test('fault injection: refused unless enabled; a dropped link goes silent and deaf for its time', async (t) => {
  const off = await startSim();
  t.throws(() => off.sim.dropLink(1), /fault injection is disabled/);
  await off.sim.close(); await off.peer.close();
  const { sim, peer, port } = await startSim({ sim: { fault_injection: true } });
  t.teardown(async () => { await sim.close(); await peer.close(); });
  await sleep(300);
  sim.dropLink(0.8);
  // Datagrams already on their way when the link dropped may still land.
  await sleep(100);
  const before = peer.received.length;
  await peer.send(velocity(0.1), port);
  await sleep(400);
  t.equal(peer.received.length, before, 'nothing sent while dropped');
  t.equal(sim.stats().setpoints.received, 0, 'nothing received while dropped');
  t.equal(sim.stats().link.discarded_while_dropped, 1);
  t.ok(await until(() => peer.received.length > before, 1000), 'talks again afterwards');
  t.same(sim.journal().map((e) => e.kind).filter((k) => k.startsWith('link')), ['link_drop', 'link_restore']);
});

t.test('RTL first climbs to the return altitude', async (t) => {
  const { sim, peer, port } = await startSim();
  t.teardown(async () => { await sim.close(); await peer.close(); });
  await peer.send(setMode(4, 5), port);
  await until(() => acks(peer).length === 1, 1000);
  t.equal(acks(peer)[0].result, common.MavResult.ACCEPTED);
  t.equal(sim.stats().mode_text, 'Return');
  await sleep(1000);
  t.ok(sim.stats().pose.alt_m > 21, `climbing: ${sim.stats().pose.alt_m.toFixed(2)} m`);
});

t.test('LAND lands and disarms; then it refuses OFFBOARD (never takes off)', async (t) => {
  const { sim, peer, port } = await startSim({ sim: { start_altitude_m: 2 } });
  t.teardown(async () => { await sim.close(); await peer.close(); });
  await peer.send(setMode(4, 6), port);
  t.ok(await until(() => !sim.stats().armed, 6000), 'landed and disarmed');
  t.equal(sim.stats().ground_contacts, 0, 'a landing is not a ground contact');
  t.ok(sim.journal().some((e) => e.kind === 'landed'));
  await peer.send(setMode(6), port);
  await until(() => acks(peer).length === 2, 1000);
  t.equal(acks(peer)[1].result, common.MavResult.DENIED, 'OFFBOARD refused while disarmed: it never takes off');
  await sleep(300);
  t.equal(sim.stats().pose.alt_m, 0);
});
