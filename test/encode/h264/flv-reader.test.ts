// The FLV reader on real ffmpeg FLV output: one access unit per frame, the
// keyframe flag, the frame timestamps and the decoder configuration,
// whatever the chunking; non-FLV input and oversized tags are reported.

import t from 'tap';
import { FlvReader, parseAvcConfig, type FlvVideoTag } from '../../../lib/encode/h264/flv-reader.js';
import { hasCommand, FFMPEG_MISSING } from '../../helpers/tools.js';
import { makeStream } from '../../helpers/h264-streams.js';

if (!hasCommand('ffmpeg')) throw new Error(FFMPEG_MISSING);

interface Unit { nals: number[]; tag: FlvVideoTag; size: number }

function read(bytes: Buffer, chunk: number, maxTag = 1 << 20) {
  const units: Unit[] = [];
  const configs: Buffer[] = [];
  const errors: string[] = [];
  const reader = new FlvReader(maxTag, {
    config: (buf, s, e) => configs.push(Buffer.from(buf.subarray(s, e))),
    unit: (buf, s, e, tag) => {
      const nals: number[] = [];
      for (let p = s; p + 4 <= e;) {
        const len = buf.readUInt32BE(p);
        nals.push(buf[p + 4] & 31);
        p += 4 + len;
      }
      units.push({ nals, tag: { ...tag }, size: e - s });
    },
    error: (m) => errors.push(m),
  });
  for (let off = 0; off < bytes.length; off += chunk) reader.push(bytes.subarray(off, off + chunk));
  return { units, configs, errors, reader };
}

t.test('real ffmpeg FLV: units, keyframes, timestamps and SPS/PPS at any chunking', async (t) => {
  const { bytes } = makeStream({ format: 'flv', frames: 40, gop: 10 });
  const whole = read(bytes, bytes.length);
  t.equal(whole.units.length, 40, 'one unit per frame');
  t.equal(whole.configs.length, 1, 'one AVC sequence header');
  const cfg = parseAvcConfig(whole.configs[0], 0, whole.configs[0].length);
  t.ok(cfg, 'the decoder configuration parses');
  t.equal(cfg!.sps[0] & 31, 7, 'SPS');
  t.equal(cfg!.pps[0] & 31, 8, 'PPS');
  t.equal(cfg!.lengthSize, 4);
  whole.units.forEach((u, i) => {
    t.equal(u.tag.keyframe, i % 10 === 0, `unit ${i} keyframe flag`);
    t.equal(u.nals.includes(5), i % 10 === 0, `unit ${i}: IDR slices exactly when flagged`);
    t.equal(u.tag.timestampMs, Math.round((i * 1000) / 30), `unit ${i} timestamp`);
  });
  for (const chunk of [1, 11, 13, 500]) {
    const r = read(bytes, chunk);
    t.same(r.units.map((u) => u.size), whole.units.map((u) => u.size), `chunk ${chunk}: same units`);
    t.same(r.units.map((u) => u.tag), whole.units.map((u) => u.tag), `chunk ${chunk}: same tags`);
  }
});

t.test('input that is not FLV is reported once and ignored', async (t) => {
  const { bytes } = makeStream({ format: 'h264', frames: 3, gop: 3 });
  const r = read(bytes, 100);
  t.equal(r.units.length, 0);
  t.equal(r.errors.length, 1);
  t.match(r.errors[0], /not FLV/);
  r.reader.reset();
  const flv = makeStream({ format: 'flv', frames: 3, gop: 3 }).bytes;
  r.reader.push(flv);
  t.equal(r.units.length, 3, 'after reset() a real FLV stream is read');
});

t.test('tags larger than the buffer are skipped and counted, the rest continue', async (t) => {
  const { bytes } = makeStream({ format: 'flv', frames: 20, gop: 10 });
  const all = read(bytes, 4096).units;
  const limit = Math.max(...all.filter((u) => !u.tag.keyframe).map((u) => u.size)) + 64;
  const r = read(bytes, 333, limit);
  t.equal(r.reader.stats().oversized, 2, 'two IDR tags skipped');
  t.same(r.units.map((u) => u.size), all.filter((u) => !u.tag.keyframe).map((u) => u.size));
});

t.test('a malformed decoder configuration is refused', async (t) => {
  t.equal(parseAvcConfig(Buffer.from([1, 66, 0, 30, 0xff, 0xe1, 0, 40, 1, 2]), 0, 10), null, 'truncated SPS');
  t.equal(parseAvcConfig(Buffer.from([2, 0, 0, 0, 0, 0, 0]), 0, 7), null, 'wrong version');
});
