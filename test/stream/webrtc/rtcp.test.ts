// RTCP feedback as RFC 3550 / 4585 / 5104 lay it out, byte by byte: receiver
// report (RTT from LSR/DLSR), generic NACK, PLI, FIR, REMB, compound packets.
// (The Chromium test checks the same parser on a browser's real RTCP.)

import t from 'tap';
import { emptySummary, parseRtcp } from '../../../lib/stream/webrtc/rtcp.js';

function header(fmt: number, pt: number, words: number): number[] {
  return [0x80 | fmt, pt, (words >> 8) & 255, words & 255];
}
const u32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];

t.test('receiver report: loss fraction and round trip', async (t) => {
  const now = 1_800_000_000_000;
  // The SR we sent 120 ms ago, held by the receiver for 20 ms: RTT 100 ms.
  const srMid = Math.floor(((now - 120) / 1000 + 2208988800) * 65536) % 2 ** 32;
  const dlsr = Math.round(0.02 * 65536);
  const rr = [...header(1, 201, 7), ...u32(0x1234), ...u32(0xabcd), 64, 0, 0, 3, ...u32(1000), ...u32(5), ...u32(srMid), ...u32(dlsr)];
  const s = emptySummary();
  t.ok(parseRtcp(Uint8Array.from(rr), s, now));
  t.equal(s.fractionLost, 0.25);
  t.ok(Math.abs(s.rttMs - 100) < 0.1, `rtt ${s.rttMs}`);
});

t.test('NACK, PLI, FIR and REMB in one compound packet', async (t) => {
  const nack = [...header(1, 205, 4), ...u32(1), ...u32(2), 0, 100, 0b0000_0001, 0b0000_0011, 0, 200, 0, 0]; // 1+3 and 1 packets
  const pli = [...header(1, 206, 2), ...u32(1), ...u32(2)];
  const fir = [...header(4, 206, 4), ...u32(1), ...u32(0), ...u32(2), 7, 0, 0, 0];
  // REMB: 1 SSRC, exponent 3, mantissa 125000 -> 1 Mbit/s.
  const m = 125000;
  const remb = [...header(15, 206, 5), ...u32(1), ...u32(0), 0x52, 0x45, 0x4d, 0x42,
    1, (3 << 2) | (m >> 16), (m >> 8) & 255, m & 255, ...u32(2)];
  const s = emptySummary();
  t.ok(parseRtcp(Uint8Array.from([...nack, ...pli, ...fir, ...remb]), s));
  t.equal(s.nacks, 5, 'PID+3 bits and PID alone');
  t.equal(s.plis, 1);
  t.equal(s.firs, 1);
  t.equal(s.rembBps, 1_000_000);
  t.ok(Number.isNaN(s.rttMs), 'no report block, no RTT');
});

t.test('not RTCP, or truncated: ignored, nothing counted', async (t) => {
  const s = emptySummary();
  t.notOk(parseRtcp(Uint8Array.from([0x80, 96, 0, 1, 0, 0, 0, 0]), s), 'an RTP header (PT 96)');
  t.notOk(parseRtcp(Uint8Array.from([0x81, 206, 0, 9, 0, 0]), s), 'length beyond the buffer');
  t.notOk(parseRtcp(new Uint8Array(0), s));
  t.equal(s.plis + s.nacks + s.firs, 0);
});
