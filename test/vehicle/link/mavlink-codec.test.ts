import t from 'tap';
import { common, minimal, MavLinkProtocolV1 } from 'node-mavlink';
import { decodeMessage, MAX_PACKET, MavlinkDecoder, MavlinkEncoder, type RawPacket } from '../../../lib/vehicle/link/mavlink-codec.js';

const enc = new MavlinkEncoder(1, 1, null);
const att = (roll: number) => { const m = new common.Attitude(); m.roll = roll; m.yaw = 1; return m; };

t.test('several packets in one datagram, junk between them, a damaged one skipped', async (t) => {
  const a = enc.encode(att(0.1));
  const b = Buffer.from(enc.encode(att(0.2)));
  b[12] ^= 0xff;
  const c = enc.encode(att(0.3));
  const d = new MavlinkDecoder(false);
  const got: number[] = [];
  d.push(Buffer.concat([Buffer.from([1, 2, 3]), a, b, Buffer.from([0]), c]), (p) => got.push(decodeMessage(p, common.Attitude).roll));
  t.same(got.map((r) => Math.round(r * 10) / 10), [0.1, 0.3]);
  t.equal(d.counters.crc_errors, 1);
  t.ok(d.counters.junk_bytes >= 4);
});

t.test('a stream may split packets anywhere; the carried rest stays bounded', async (t) => {
  const packets = [0.1, 0.2, 0.3, 0.4].map((r) => enc.encode(att(r)));
  const all = Buffer.concat(packets);
  const d = new MavlinkDecoder(true);
  const got: number[] = [];
  for (let i = 0; i < all.length; i += 7) d.push(all.subarray(i, i + 7), (p) => got.push(Math.round(decodeMessage(p, common.Attitude).roll * 10) / 10));
  t.same(got, [0.1, 0.2, 0.3, 0.4]);
  // Garbage that never completes a packet cannot grow the carried buffer.
  const junk = Buffer.alloc(10_000, 0xfd);
  let n = 0;
  d.push(junk, () => n++);
  d.push(enc.encode(att(0.5)), () => n++);
  t.ok(n <= 1 && MAX_PACKET * 2 < junk.length, 'bounded carry-over');
});

t.test('MAVLink 1 packets are understood; payloads truncated by MAVLink 2 decode with zeros', async (t) => {
  const hb = new minimal.Heartbeat();
  hb.customMode = 0x60000;
  hb.autopilot = 12 as minimal.MavAutopilot;
  const v1 = new MavLinkProtocolV1(5, 1).serialize(hb, 9);
  let p: RawPacket | null = null;
  new MavlinkDecoder(false).push(v1, (x) => { p = x; });
  t.match(p, { version: 1, sysid: 5, seq: 9, msgid: 0 });
  t.equal(decodeMessage(p!, minimal.Heartbeat).customMode, 0x60000);
  const zero = new common.LocalPositionNed();
  zero.x = 1.5;
  const buf = enc.encode(zero);
  t.ok(buf[1] < 28, `payload truncated to ${buf[1]} bytes`);
  let q: RawPacket | null = null;
  new MavlinkDecoder(false).push(buf, (x) => { q = x; });
  t.match(decodeMessage(q!, common.LocalPositionNed), { x: 1.5, y: 0, vz: 0 });
});

t.test('sequence numbers wrap at 256', async (t) => {
  const e = new MavlinkEncoder(1, 1, null);
  const seqs: number[] = [];
  for (let k = 0; k < 258; k++) seqs.push(e.encode(att(0))[4]);
  t.same(seqs.slice(254), [254, 255, 0, 1]);
});
