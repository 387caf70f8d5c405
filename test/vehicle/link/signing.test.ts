import t from 'tap';
import { createHash } from 'node:crypto';
import { common, minimal, MavLinkProtocolV2 } from 'node-mavlink';
import { MavlinkDecoder, MavlinkEncoder, type RawPacket } from '../../../lib/vehicle/link/mavlink-codec.js';
import { NEW_STREAM_WINDOW, SignatureVerifier, signingKey, signPacket, SigningClock } from '../../../lib/vehicle/link/signing.js';

const key = signingKey('correct horse');
const decode = (buf: Buffer): RawPacket => {
  let out: RawPacket | null = null;
  new MavlinkDecoder(false).push(buf, (p) => { out = p; });
  if (!out) throw new Error('no packet');
  return out;
};
const timestampOf = (buf: Buffer) => buf.readUIntLE(buf.length - 12, 6);
const heartbeat = () => { const m = new minimal.Heartbeat(); m.autopilot = 12 as minimal.MavAutopilot; return m; };

t.test('the key is SHA-256 of the passphrase', async (t) => {
  t.same(key, createHash('sha256').update('correct horse').digest());
});

t.test('timestamps strictly increase across many packets sent within one millisecond', async (t) => {
  const enc = new MavlinkEncoder(1, 191, { key, linkId: 0 });
  const stamps: number[] = [];
  const t0 = performance.now();
  for (let k = 0; k < 2000; k++) stamps.push(timestampOf(enc.encode(heartbeat())));
  const ms = performance.now() - t0;
  let sameMs = 0;
  const notIncreasing: number[] = [];
  for (let k = 1; k < stamps.length; k++) {
    if (!(stamps[k] > stamps[k - 1])) notIncreasing.push(k);
    if (Math.floor(stamps[k] / 100) === Math.floor(stamps[k - 1] / 100)) sameMs++;
  }
  t.same(notIncreasing, [], 'every timestamp above the previous one');
  t.ok(sameMs > 100, `${sameMs} consecutive pairs fell in the same millisecond (2000 packets in ${ms.toFixed(1)} ms)`);
  const now = (Date.now() - Date.UTC(2015, 0, 1)) * 100;
  t.ok(Math.abs(stamps[0] - now) < 100 * 1000, 'units of 10 µs since 2015-01-01');
  const c = new SigningClock();
  const a = c.next();
  t.ok(c.next() > a);
});

t.test('node-mavlink\'s own sign() repeats a timestamp within a millisecond: the verifier calls that a replay', async (t) => {
  const proto = new MavLinkProtocolV2(1, 1, MavLinkProtocolV2.IFLAG_SIGNED);
  const ms = Date.now();
  const a = proto.sign(proto.serialize(heartbeat(), 1), 0, key, ms);
  const b = proto.sign(proto.serialize(heartbeat(), 2), 0, key, ms);
  t.equal(timestampOf(a), timestampOf(b), 'same timestamp');
  const v = new SignatureVerifier(key);
  t.equal(v.verify(a, true, 1, 1), 'ok');
  t.equal(v.verify(b, true, 1, 1), 'replay');
});

t.test('verification: right key, wrong key, unsigned, replayed, stale new stream', async (t) => {
  const ours = new MavlinkEncoder(1, 1, { key, linkId: 0 });
  const theirs = new MavlinkEncoder(1, 1, { key: signingKey('wrong'), linkId: 0 });
  const plain = new MavlinkEncoder(1, 1, null);
  const v = new SignatureVerifier(key);
  const ok = ours.encode(heartbeat());
  const p = decode(ok);
  t.equal(p.signed, true);
  t.equal(v.verify(p.bytes, true, 1, 1), 'ok');
  t.equal(v.verify(p.bytes, true, 1, 1), 'replay', 'the same packet again');
  t.equal(v.verify(decode(theirs.encode(heartbeat())).bytes, true, 1, 1), 'bad_signature');
  const u = decode(plain.encode(heartbeat()));
  t.equal(v.verify(u.bytes, u.signed, 1, 1), 'unsigned');
  // A flipped payload byte with the original signature: the signature no longer matches.
  const tampered = Buffer.from(ours.encode(heartbeat()));
  tampered[12] ^= 1;
  t.equal(v.verify(tampered, true, 1, 1), 'bad_signature');
  t.equal(v.verify(ours.encode(heartbeat()), true, 1, 1), 'ok', 'the next fresh packet passes');
  // A new stream (another component) more than a minute behind the newest timestamp is a replay.
  const unsigned = new MavLinkProtocolV2(1, 2, MavLinkProtocolV2.IFLAG_SIGNED).serialize(heartbeat(), 0);
  const old = signPacket(unsigned, key, 0, timestampOf(ok) - NEW_STREAM_WINDOW - 1);
  t.equal(v.verify(old, true, 1, 2), 'replay');
  const recent = signPacket(unsigned, key, 0, timestampOf(ok) - 10);
  t.equal(v.verify(recent, true, 1, 2), 'ok', 'a new stream slightly behind is fine');
});

t.test('signed packets are well-formed MAVLink 2 (signed flag under the CRC)', async (t) => {
  const enc = new MavlinkEncoder(7, 191, { key, linkId: 3 });
  const m = new common.CommandLong();
  m.targetSystem = 1; m.command = common.MavCmd.DO_SET_MODE; m._param1 = 1; m._param2 = 6;
  const p = decode(enc.encode(m));
  t.match(p, { version: 2, signed: true, sysid: 7, compid: 191, msgid: 76 });
  t.equal(p.bytes[p.bytes.length - 13], 3, 'link id');
});
