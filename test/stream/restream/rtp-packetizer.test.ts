import t from 'tap';
import { AnnexBSplitter } from '../../../lib/encode/h264/annexb-splitter.js';
import { H264RtpPacketizer, RTP_HEADER_BYTES, type PacketSink } from '../../../lib/stream/restream/index.js';
import { makeStream } from '../../helpers/h264-streams.js';
import { H264Depacketizer, nalTypesOf, parseRtp } from '../../helpers/rtp.js';
import { FFMPEG_MISSING, hasCommand } from '../../helpers/tools.js';

if (!hasCommand('ffmpeg')) throw new Error(FFMPEG_MISSING);

/** Collects packets into one big buffer, like the slab does. */
class CollectingSink implements PacketSink {
  readonly buf = Buffer.alloc(1 << 22);
  readonly packets: Buffer[] = [];
  #off = 0;
  nextSlot(): number {
    return this.#off;
  }
  commit(length: number): void {
    this.packets.push(Buffer.from(this.buf.subarray(this.#off, this.#off + length)));
    this.#off += length;
  }
}

/** Real access units from libx264 (SPS/PPS before each IDR, 4-byte start codes). */
function accessUnits(frames: number, gop: number, size = '640x480', x264 = ''): Buffer[] {
  const [w, h] = size.split('x').map(Number);
  const { bytes } = makeStream({ frames, gop, format: 'h264', width: w, height: h, x264: ['aud=0', x264].filter(Boolean).join(':') });
  const units: Buffer[] = [];
  const splitter = new AnnexBSplitter(1 << 22, (buf, s, e) => units.push(Buffer.from(buf.subarray(s, e))));
  splitter.push(bytes);
  splitter.push(Buffer.from([0, 0, 0, 1, 9, 0xf0])); // an AUD flushes the last unit
  return units;
}

/** The same bytes with every start code written as 00 00 00 01 (the receiver's form). */
function normalise(au: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0, start = -1; i <= au.length; i++) {
    const at = i + 2 < au.length && au[i] === 0 && au[i + 1] === 0 && au[i + 2] === 1;
    if (at || i === au.length) {
      if (start >= 0) {
        let end = i;
        while (end > start && au[end - 1] === 0) end--;
        parts.push(Buffer.from([0, 0, 0, 1]), au.subarray(start, end));
      }
      if (at) {
        start = i + 3;
        i += 2;
      }
    }
  }
  return Buffer.concat(parts);
}

t.test('access units survive packetization and an independent depacketizer byte for byte', async (t) => {
  const units = accessUnits(45, 15);
  t.ok(units.length >= 45, `${units.length} access units`);
  for (const mtu of [1200, 400, 200]) {
    const p = new H264RtpPacketizer({ payloadType: 96, ssrc: 0xdeadbeef, maxPacketBytes: mtu, initialSeq: 65530 });
    const sink = new CollectingSink();
    const d = new H264Depacketizer();
    let planned = 0;
    units.forEach((au, i) => {
      const n = p.plan(au);
      planned += n;
      const before = sink.packets.length;
      p.write(au, i * 3000, sink);
      if (sink.packets.length - before !== n) t.fail(`plan() said ${n} packets for unit ${i} at mtu ${mtu}, write() made ${sink.packets.length - before}`);
    });
    t.equal(sink.packets.length, planned);
    let fragments = 0;
    t.equal(Math.max(...sink.packets.map((b) => b.length)) <= mtu, true, `no packet over ${mtu} bytes`);
    for (const raw of sink.packets) {
      const rp = parseRtp(raw);
      if ((rp.payload[0] & 0x1f) === 28) fragments++;
      d.push(rp);
    }
    t.equal(d.lost, 0, 'sequence numbers are consecutive across the 16-bit wrap');
    t.ok(fragments > 0, `FU-A used at mtu ${mtu} (${fragments} fragments)`);
    t.equal(d.units.length, units.length, 'one marker per access unit');
    const differing = units.findIndex((au, i) => !d.units[i].data.equals(normalise(au)));
    t.equal(differing, -1, `every unit comes back byte for byte at mtu ${mtu}`);
    t.same(d.units.map((u) => u.timestamp), units.map((_, i) => i * 3000), 'timestamps as written');
    const types = nalTypesOf(d.units[0].data).filter((x) => x !== 6);
    t.same(types.slice(0, 3), [7, 8, 5], 'the first unit is SPS, PPS, IDR slices (SEI aside)');
  }
});

t.test('RTP header fields: version 2, payload type, ssrc, marker only on the last packet', async (t) => {
  const [idr] = accessUnits(1, 1);
  const p = new H264RtpPacketizer({ payloadType: 111, ssrc: 42, maxPacketBytes: 300, initialSeq: 7 });
  const sink = new CollectingSink();
  p.plan(idr);
  p.write(idr, 0xffffffff + 5, sink);
  const parsed = sink.packets.map(parseRtp);
  t.ok(parsed.length > 3);
  t.ok(parsed.every((x) => x.version === 2 && x.payloadType === 111 && x.ssrc === 42), 'version, pt, ssrc');
  t.ok(parsed.every((x) => x.timestamp === 4), 'timestamp taken modulo 2^32');
  t.same(parsed.map((x) => x.marker), parsed.map((_, i) => i === parsed.length - 1), 'marker on the last packet only');
  t.same(parsed.map((x) => x.seq), parsed.map((_, i) => 7 + i));
  t.equal(p.nextSeq, 7 + parsed.length);
  t.equal(sink.packets[0].length - RTP_HEADER_BYTES, parsed[0].payload.length);
});

t.test('a buffer without start codes plans no packet; bad options throw', async (t) => {
  const p = new H264RtpPacketizer({ payloadType: 96, ssrc: 1, maxPacketBytes: 1200, initialSeq: 0 });
  t.equal(p.plan(Buffer.from([1, 2, 3, 4, 5])), 0);
  t.equal(p.plan(Buffer.alloc(0)), 0);
  t.throws(() => new H264RtpPacketizer({ payloadType: 128, ssrc: 1, maxPacketBytes: 1200, initialSeq: 0 }), /payloadType/);
  t.throws(() => new H264RtpPacketizer({ payloadType: 96, ssrc: 1, maxPacketBytes: 14, initialSeq: 0 }), /maxPacketBytes/);
});
