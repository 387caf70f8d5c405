import t from 'tap';
import { common, minimal } from 'node-mavlink';
import { decodeMessage } from '../../../lib/vehicle/link/mavlink-codec.js';
import { MavlinkLink } from '../../../lib/vehicle/link/mavlink-link.js';
import { px4CustomMode } from '../../../lib/vehicle/link/px4-modes.js';
import { SignatureVerifier, signingKey } from '../../../lib/vehicle/link/signing.js';
import { UdpTransport } from '../../../lib/vehicle/link/udp-transport.js';
import { sleep, until } from '../vehicle-fixtures.js';
import { FakeAutopilot } from './fake-autopilot.js';

async function openLink(o: { passphrase?: string; timeoutMs?: number } = {}) {
  const link = new MavlinkLink({
    transport: new UdpTransport('in', '127.0.0.1', 0), connection: 'test', systemId: 1, componentId: 191, targetSystem: 0,
    signingPassphrase: o.passphrase ?? '', heartbeatTimeoutMs: o.timeoutMs ?? 3000,
  });
  await link.start();
  return { link, port: link.transport.localPort! };
}

function heartbeat(customMode = px4CustomMode(4, 3), autopilot = 12, armed = true): minimal.Heartbeat {
  const m = new minimal.Heartbeat();
  m.type = 2 as minimal.MavType;
  m.autopilot = autopilot as minimal.MavAutopilot;
  m.baseMode = (1 | (armed ? 128 : 0)) as minimal.MavModeFlag;
  m.customMode = customMode;
  m.systemStatus = 4 as minimal.MavState;
  return m;
}

t.test('follows the sender of the autopilot\'s HEARTBEAT and replies there with its own at 1 Hz', async (t) => {
  const { link, port } = await openLink();
  const ap = new FakeAutopilot();
  const gcs = new FakeAutopilot(255, 190);
  const apPort = await ap.bind();
  const gcsPort = await gcs.bind();
  t.teardown(async () => { await link.close(); await ap.close(); await gcs.close(); });
  await gcs.send(heartbeat(0, 8), port);
  await sleep(100);
  t.equal(link.state.peer, null, 'a ground station HEARTBEAT (autopilot INVALID) is not followed');
  const peers: string[] = [];
  link.on('peer', (p) => peers.push(`${p.address}:${p.port}`));
  await ap.send(heartbeat(), port);
  t.ok(await until(() => link.connected, 1000), 'connected');
  t.equal(link.state.peer, `127.0.0.1:${apPort}`);
  t.match(link.state, { system_id: 1, component_id: 1, flight_mode_text: 'Hold', armed: true, is_offboard: false });
  t.ok(await until(() => ap.received.some((r) => r.packet.msgid === 0), 1500), 'our HEARTBEAT reached the autopilot');
  const ours = decodeMessage(ap.received.find((r) => r.packet.msgid === 0)!.packet, minimal.Heartbeat);
  t.match(ours, { type: 18, autopilot: 8 }, 'as an onboard controller without autopilot');
  t.match(ap.received[0].packet, { sysid: 1, compid: 191 });
  // The autopilot restarts on another port: replies follow it.
  const ap2 = new FakeAutopilot();
  const ap2Port = await ap2.bind();
  t.teardown(() => ap2.close());
  await ap2.send(heartbeat(0x60000), port);
  t.ok(await until(() => link.state.peer === `127.0.0.1:${ap2Port}`, 1000), 'followed the new sender');
  t.same(peers, [`127.0.0.1:${apPort}`, `127.0.0.1:${ap2Port}`]);
  t.equal(link.state.is_offboard, true, 'and its mode');
  const before = gcs.received.length;
  await sleep(1200);
  t.equal(gcs.received.length, before, 'nothing goes to the ground station');
  t.ok(ap2.received.some((r) => r.packet.msgid === 0), 'HEARTBEATs go to the followed sender');
});

t.test('parses HEARTBEAT, ATTITUDE, LOCAL_POSITION_NED, GLOBAL_POSITION_INT, VFR_HUD, SYS_STATUS', async (t) => {
  const { link, port } = await openLink();
  const ap = new FakeAutopilot();
  await ap.bind();
  t.teardown(async () => { await link.close(); await ap.close(); });
  await ap.send(heartbeat(0x60000), port);
  const att = new common.Attitude();
  att.roll = 0.1; att.pitch = -0.2; att.yaw = -Math.PI / 2; att.yawspeed = 0.5;
  const lp = new common.LocalPositionNed();
  lp.x = 3; lp.y = -4; lp.z = -25; lp.vx = 1; lp.vy = 0.5; lp.vz = -0.2;
  const gp = new common.GlobalPositionInt();
  gp.lat = 473977420; gp.lon = 85455940; gp.alt = 513000; gp.relativeAlt = 25000; gp.hdg = 27000;
  const hud = new common.VfrHud();
  hud.groundspeed = 1.1; hud.airspeed = 1.2; hud.heading = 270; hud.throttle = 52; hud.alt = 513; hud.climb = 0.2;
  const sys = new common.SysStatus();
  sys.voltageBattery = 15800; sys.currentBattery = 1234; sys.batteryRemaining = 87; sys.load = 300; sys.dropRateComm = 50;
  for (const m of [att, lp, gp, hud, sys]) await ap.send(m, port);
  t.ok(await until(() => link.telemetry.sys_status !== null, 1000));
  const tel = link.telemetry;
  t.match(tel.heartbeat, { autopilot: 12, custom_mode: 0x60000 });
  t.ok(Math.abs(tel.attitude!.roll_deg - 5.7296) < 1e-3 && Math.abs(tel.attitude!.pitch_deg + 11.459) < 1e-3);
  t.ok(Math.abs(tel.attitude!.yaw_deg - 270) < 1e-3, 'yaw −90° reads as 270° (0…360 clockwise)');
  t.match(tel.local_position, { x: 3, y: -4, z: -25, vx: 1 });
  t.match(tel.global_position, { lat_deg: 47.397742, lon_deg: 8.545594, alt_m: 513, relative_alt_m: 25, heading_deg: 270 });
  t.match(tel.vfr_hud, { heading_deg: 270, throttle_pct: 52, alt_m: 513 });
  t.match(tel.sys_status, { voltage_v: 15.8, current_a: 12.34, battery_remaining_pct: 87, load_pct: 30, drop_rate_comm_pct: 0.5 });
  t.match(link.vehicle, { alt_m: 25, armed: true, is_offboard: true });
  t.ok(Math.abs(link.vehicle.ground_speed_m_s - Math.hypot(1, 0.5)) < 1e-6);
});

t.test('COMMAND_LONG waits for its COMMAND_ACK: accepted, rejected, none', async (t) => {
  const { link, port } = await openLink();
  const ap = new FakeAutopilot();
  const apPort = await ap.bind();
  t.teardown(async () => { await link.close(); await ap.close(); });
  await ap.send(heartbeat(), port);
  await until(() => link.connected, 1000);
  let answer: common.MavResult | null = common.MavResult.ACCEPTED;
  ap.socket.on('message', () => {
    const last = ap.received.at(-1);
    if (!last || last.packet.msgid !== 76 || answer === null) return;
    const cmd = decodeMessage(last.packet, common.CommandLong);
    const ack = new common.CommandAck();
    ack.command = cmd.command; ack.result = answer; ack.targetSystem = 1; ack.targetComponent = 191;
    void ap.send(ack, port);
  });
  const ok = await link.setMode({ main: 6, sub: 0 }, 2000);
  t.match(ok, { accepted: true, result: 0, result_text: 'ACCEPTED', attempts: 1 });
  const sent = ap.received.filter((r) => r.packet.msgid === 76).map((r) => decodeMessage(r.packet, common.CommandLong));
  t.match(sent[0], { command: 176, _param1: 1, _param2: 6, _param3: 0, targetSystem: 1, targetComponent: 1 }, 'DO_SET_MODE custom OFFBOARD');
  answer = common.MavResult.TEMPORARILY_REJECTED;
  t.match(await link.setMode({ main: 6, sub: 0 }, 2000), { accepted: false, result: 1, result_text: 'TEMPORARILY_REJECTED' });
  answer = null;
  const before = ap.received.filter((r) => r.packet.msgid === 76).length;
  const none = await link.setMode({ main: 4, sub: 3 }, 2500);
  t.match(none, { accepted: false, result: null, result_text: 'no COMMAND_ACK within 2500 ms' });
  // About one resend a second (3 in 2.5 s; a loaded machine's timers can squeeze in a fourth).
  t.ok(none.attempts >= 2 && none.attempts <= 4, `resent without an ACK: ${JSON.stringify(none)}`);
  await sleep(100);
  const retries = ap.received.filter((r) => r.packet.msgid === 76).slice(before).map((r) => decodeMessage(r.packet, common.CommandLong).confirmation);
  t.same(retries, [...Array(none.attempts).keys()], 'each resend with confirmation + 1');
  void apPort;
});

t.test('no HEARTBEAT for heartbeat_timeout: link lost, then connected again', async (t) => {
  const { link, port } = await openLink({ timeoutMs: 500 });
  const ap = new FakeAutopilot();
  await ap.bind();
  t.teardown(async () => { await link.close(); await ap.close(); });
  const events: string[] = [];
  link.on('connected', () => events.push('connected'));
  link.on('lost', (e) => events.push(`lost: ${e.reason}`));
  await ap.send(heartbeat(), port);
  await until(() => link.connected, 1000);
  const t0 = performance.now();
  t.ok(await until(() => !link.connected, 2000));
  const ms = performance.now() - t0;
  t.ok(ms >= 400 && ms < 1200, `lost after ${ms.toFixed(0)} ms (timeout 500 ms, checked every 100 ms)`);
  t.match(events[1], /^lost: no HEARTBEAT from the autopilot for 0\.[5-9] s/);
  await ap.send(heartbeat(), port);
  t.ok(await until(() => link.connected, 1000));
  t.same(events.map((e) => e.split(':')[0]), ['connected', 'lost', 'connected']);
});

t.test('signing on: the right key passes; wrong key, unsigned and replayed packets are rejected and counted', async (t) => {
  const { link, port } = await openLink({ passphrase: 'sky' });
  const good = new FakeAutopilot(1, 1, 'sky');
  const wrong = new FakeAutopilot(1, 1, 'not sky');
  const plain = new FakeAutopilot(1, 1, '');
  await good.bind(); await wrong.bind(); await plain.bind();
  t.teardown(async () => { await link.close(); await good.close(); await wrong.close(); await plain.close(); });
  const att = (roll: number) => { const m = new common.Attitude(); m.roll = roll; return m; };
  await wrong.send(heartbeat(), port);
  await plain.send(heartbeat(), port);
  await sleep(150);
  t.equal(link.connected, false, 'unauthenticated HEARTBEATs do not connect (nor set the peer)');
  t.equal(link.state.peer, null);
  await good.send(heartbeat(), port);
  t.ok(await until(() => link.connected, 1000), 'a correctly signed HEARTBEAT connects');
  await good.send(att(0.1), port);
  await until(() => link.telemetry.attitude !== null, 1000);
  const replay = good.encode(att(0.3));
  await good.sendRaw(replay, port);
  await until(() => Math.abs(link.telemetry.attitude!.roll_deg - 17.19) < 0.01, 1000);
  await good.sendRaw(replay, port);
  await wrong.send(att(0.9), port);
  await plain.send(att(0.9), port);
  await sleep(200);
  t.ok(Math.abs(link.telemetry.attitude!.roll_deg - 17.19) < 0.01, 'telemetry untouched by the rejected packets');
  t.match(link.state.stats.rejected, { unsigned: 2, bad_signature: 2, replay: 1 });
  t.equal(link.state.signing, true);
  // What the link sends is signed with the same key and fresh.
  t.ok(await until(() => good.received.length > 0, 1500));
  const v = new SignatureVerifier(signingKey('sky'));
  for (const r of good.received) t.equal(v.verify(r.bytes, r.packet.signed, r.packet.sysid, r.packet.compid), 'ok');
});
