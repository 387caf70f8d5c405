// The Annex-B splitter on real libx264 byte streams, checked against
// ffprobe's own H.264 parser: same number of access units, same sizes, same
// keyframes, whatever the chunking of the input.

import t from 'tap';
import { AnnexBSplitter } from '../../../lib/encode/h264/annexb-splitter.js';
import { firstMbInSlice } from '../../../lib/encode/h264/nal.js';
import { hasCommand, FFMPEG_MISSING } from '../../helpers/tools.js';
import { makeStream, nalTypes, probePackets } from '../../helpers/h264-streams.js';

if (!hasCommand('ffmpeg') || !hasCommand('ffprobe')) throw new Error(FFMPEG_MISSING);

function split(bytes: Buffer, chunk: number, maxAu = 1 << 20): { units: Buffer[]; splitter: AnnexBSplitter } {
  const units: Buffer[] = [];
  const splitter = new AnnexBSplitter(maxAu, (buf, s, e) => units.push(Buffer.from(buf.subarray(s, e))));
  for (let off = 0; off < bytes.length; off += chunk) splitter.push(bytes.subarray(off, off + chunk));
  splitter.flush();
  return { units, splitter };
}

t.test('AUD-delimited stream with 4 slices per picture: same units as ffprobe at any chunking', async (t) => {
  const { bytes, file } = makeStream({ format: 'h264', frames: 45, gop: 15, x264: 'slices=4:sliced-threads=0' });
  const probe = probePackets(file);
  t.equal(probe.length, 45);
  for (const chunk of [1, 3, 7, 188, 4096, bytes.length]) {
    const { units } = split(bytes, chunk);
    t.equal(units.length, 45, `chunk ${chunk}: one access unit per frame`);
    t.same(units.map((u) => u.length), probe.map((p) => p.size), `chunk ${chunk}: sizes equal ffprobe's packets`);
  }
  const { units } = split(bytes, 1000);
  units.forEach((u, i) => {
    const types = nalTypes(u);
    t.equal(types[0], 9, `unit ${i} starts with its AUD`);
    const key = i % 15 === 0;
    t.equal(types.includes(5), key, `unit ${i} ${key ? 'is' : 'is not'} an IDR`);
    t.equal(probe[i].key, key, 'ffprobe agrees on the keyframe');
    const inOrder = types.indexOf(7) > 0 && types.indexOf(8) > types.indexOf(7) && types.indexOf(5) > types.indexOf(8);
    if (key) t.ok(inOrder, `IDR ${i}: AUD, SPS, PPS, then slices`);
    t.equal(types.filter((x) => x === 1 || x === 5).length, 4, `unit ${i} has its 4 slices`);
  });
});

t.test('a stream without AUDs splits on first_mb_in_slice == 0 and on SPS', async (t) => {
  const { bytes, file } = makeStream({ format: 'h264', frames: 30, gop: 10, x264: 'aud=0:slices=3:sliced-threads=0' });
  const probe = probePackets(file);
  for (const chunk of [1, 5, 4096]) {
    const { units } = split(bytes, chunk);
    t.same(units.map((u) => u.length), probe.map((p) => p.size), `chunk ${chunk}: sizes equal ffprobe's`);
  }
  const { units } = split(bytes, 4096);
  t.equal(units.length, 30);
  t.notOk(units.some((u) => nalTypes(u).includes(9)), 'no AUDs in this stream');
  // Every unit's first slice starts at macroblock 0, the others do not.
  for (const u of units) {
    const starts: number[] = [];
    for (let i = 0; i + 3 < u.length; i++) {
      if (u[i] === 0 && u[i + 1] === 0 && u[i + 2] === 1 && [1, 5].includes(u[i + 3] & 31)) starts.push(firstMbInSlice(u, i + 3, u.length));
    }
    t.equal(starts[0], 0);
    t.ok(starts.slice(1).every((m) => m > 0), `later slices start inside the picture (${starts.join(',')})`);
  }
});

t.test('junk before the first start code is dropped and counted', async (t) => {
  const { bytes } = makeStream({ format: 'h264', frames: 5, gop: 5 });
  const junk = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x42]);
  const { units, splitter } = split(Buffer.concat([junk, bytes]), 64);
  t.equal(units.length, 5);
  t.equal(splitter.stats().junkBytes, 5);
  t.equal(nalTypes(units[0])[0], 9);
});

t.test('an access unit larger than the buffer is dropped whole; the stream recovers at the next', async (t) => {
  const { bytes, file } = makeStream({ format: 'h264', frames: 20, gop: 10 });
  const sizes = probePackets(file).map((p) => p.size);
  const limit = Math.max(...sizes.filter((_, i) => i % 10 !== 0)) + 16; // every P-frame fits, no IDR does
  t.ok(sizes[0] > limit && sizes[10] > limit, 'both IDRs exceed the limit');
  const { units, splitter } = split(bytes, 500, limit);
  t.equal(splitter.stats().oversized, 2, 'the two IDRs were dropped and counted');
  t.same(units.map((u) => u.length), sizes.filter((_, i) => i % 10 !== 0), 'every other unit came through intact');
});
