// Access units as the fan-out receives them: 4-byte start codes, no AUDs,
// SPS/PPS in front of every IDR even when the encoder sent them only once
// (checked by having ffmpeg decode from the second GOP on), and the GOP
// cache's bounds.

import t from 'tap';
import { spawnSync } from 'node:child_process';
import type { AccessUnit } from '../../../lib/encode/h264/access-unit.js';
import { AuWriter } from '../../../lib/encode/h264/au-writer.js';
import { FlvReader, parseAvcConfig } from '../../../lib/encode/h264/flv-reader.js';
import { GopCache } from '../../../lib/encode/h264/gop-cache.js';
import { AnnexBSplitter } from '../../../lib/encode/h264/annexb-splitter.js';
import { hasCommand, FFMPEG_MISSING } from '../../helpers/tools.js';
import { makeStream, nalTypes } from '../../helpers/h264-streams.js';

if (!hasCommand('ffmpeg')) throw new Error(FFMPEG_MISSING);

/** Runs FLV bytes through reader + writer; returns copies of the units and the writer. */
function writeFlv(bytes: Buffer, cache: GopCache, onUnit?: (au: AccessUnit, gop: readonly AccessUnit[]) => void) {
  const writer = new AuWriter(cache);
  const units: AccessUnit[] = [];
  let i = 0;
  const reader = new FlvReader(1 << 20, {
    config: (buf, s, e) => {
      const c = parseAvcConfig(buf, s, e)!;
      writer.setParameterSets(c.sps, c.pps);
    },
    unit: (buf, s, e) => {
      const au = writer.writeAvcc(buf, s, e, 4, { frameId: i, captureMs: 1000 + i, readyMs: 2000 + i });
      i++;
      if (!au) return;
      onUnit?.(au, cache.units());
      units.push({ ...au, data: Buffer.from(au.data) });
    },
    error: (m) => { throw new Error(m); },
  });
  reader.push(bytes);
  return { units, writer };
}

/** ffmpeg decodes an Annex-B buffer: frames decoded, and whether it complained. */
function decode(annexb: Buffer): { frames: number; stderr: string } {
  const args = ['-hide_banner', '-v', 'error', '-f', 'h264', '-i', 'pipe:0', '-f', 'framecrc', '-'];
  const r = spawnSync('ffmpeg', args, { input: annexb, encoding: 'utf8' });
  return { frames: r.stdout.split('\n').filter((l) => /^0,/.test(l)).length, stderr: r.stderr };
}

t.test('IDRs without in-band SPS/PPS get them from the FLV decoder configuration', async (t) => {
  // repeat-headers=0: x264 writes SPS/PPS only into the container's header.
  const { bytes } = makeStream({ format: 'flv', frames: 30, gop: 10, x264: 'repeat-headers=0' });
  const { units, writer } = writeFlv(bytes, new GopCache({ maxBytes: 1 << 20, maxUnits: 100 }));
  t.equal(units.length, 30);
  units.forEach((u, i) => {
    const types = nalTypes(u.data);
    t.notOk(types.includes(9), `unit ${i}: no AUD`);
    t.equal(u.data.readUInt32BE(0), 1, `unit ${i}: 4-byte start code`);
    if (i % 10 === 0) t.same(types.slice(0, 2), [7, 8], `IDR ${i} begins with SPS, PPS`);
    t.equal(u.keyframe, i % 10 === 0);
    t.equal(u.frameId, i);
    t.equal(u.seq, i);
  });
  t.equal(writer.stats().missingParameterSets, 0);
  const fromSecondGop = decode(Buffer.concat(units.slice(10).map((u) => u.data)));
  t.equal(fromSecondGop.frames, 20, 'a decoder joining at the second IDR decodes every frame');
  t.equal(fromSecondGop.stderr, '', 'without errors');
});

t.test('the same check fails without the inserted parameter sets (the test can tell)', async (t) => {
  const { bytes } = makeStream({ format: 'flv', frames: 20, gop: 10, x264: 'repeat-headers=0' });
  const { units } = writeFlv(bytes, new GopCache({ maxBytes: 1 << 20, maxUnits: 100 }));
  const stripped = units.slice(10).map((u) => {
    const types = nalTypes(u.data);
    // Drop the leading SPS and PPS the writer added.
    if (types[0] !== 7) return u.data;
    let p = 4;
    for (let k = 0; k < 2; k++) p = u.data.indexOf(Buffer.from([0, 0, 0, 1]), p) + 4;
    return u.data.subarray(p - 4);
  });
  t.not(decode(Buffer.concat(stripped)).frames, 10, 'no SPS/PPS: the decoder cannot decode the GOP');
});

t.test('the GOP cache holds the newest IDR and what followed', async (t) => {
  const { bytes } = makeStream({ format: 'flv', frames: 26, gop: 10 });
  const cache = new GopCache({ maxBytes: 1 << 20, maxUnits: 100 });
  writeFlv(bytes, cache);
  const gop = cache.units();
  t.same(gop.map((u) => u.frameId), [20, 21, 22, 23, 24, 25]);
  t.ok(gop[0].keyframe);
  t.equal(cache.stats().bytes, gop.reduce((n, u) => n + u.data.length, 0));
  const decoded = decode(Buffer.concat(gop.map((u) => Buffer.from(u.data))));
  t.equal(decoded.frames, 6, 'the cached GOP decodes on its own');
});

t.test('a GOP longer than maxUnits is dropped until the next IDR', async (t) => {
  const { bytes } = makeStream({ format: 'flv', frames: 30, gop: 15 });
  const cache = new GopCache({ maxBytes: 1 << 20, maxUnits: 8 });
  const sizes: number[] = [];
  writeFlv(bytes, cache, (_au, gop) => sizes.push(gop.length));
  t.same(sizes, [1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0]);
  t.equal(cache.stats().overflows, 2);
});

t.test('a GOP larger than maxBytes is dropped; an IDR larger than the arena is dropped whole', async (t) => {
  const { bytes } = makeStream({ format: 'flv', frames: 20, gop: 10 });
  const probe = writeFlv(bytes, new GopCache({ maxBytes: 1 << 20, maxUnits: 100 })).units;
  const idr = probe[0].data.length;
  const gopBytes = probe.slice(0, 10).reduce((n, u) => n + u.data.length, 0);
  // Room for the IDR and a few P-frames, not the whole GOP.
  const cache = new GopCache({ maxBytes: idr + Math.floor((gopBytes - idr) / 2), maxUnits: 100 });
  const lens: number[] = [];
  const { units } = writeFlv(bytes, cache, (_au, gop) => lens.push(gop.length));
  t.equal(units.length, 20, 'live units still come out');
  t.ok(lens.includes(0) && lens[0] === 1 && lens[10] === 1, `cache emptied on overflow, refilled at the IDR (${lens.join(',')})`);
  t.ok(cache.stats().overflows >= 1);
  const tiny = new GopCache({ maxBytes: Math.floor(idr / 2), maxUnits: 100 });
  const r = writeFlv(bytes, tiny);
  t.equal(r.writer.stats().dropped, 2, 'both IDRs are too large for the arena: dropped');
  t.equal(tiny.units().length, 0);
});

t.test('Annex-B units go through the same writer: AUDs gone, start codes 4 bytes', async (t) => {
  const { bytes } = makeStream({ format: 'h264', frames: 12, gop: 6 });
  const writer = new AuWriter(new GopCache({ maxBytes: 1 << 20, maxUnits: 100 }));
  const out: Buffer[] = [];
  const splitter = new AnnexBSplitter(1 << 20, (buf, s, e) => {
    const au = writer.writeAnnexB(buf, s, e, { frameId: out.length, captureMs: 0, readyMs: 0 });
    if (au) out.push(Buffer.from(au.data));
  });
  splitter.push(bytes);
  splitter.flush();
  t.equal(out.length, 12);
  for (const u of out) {
    t.notOk(nalTypes(u).includes(9));
    t.equal(u.readUInt32BE(0), 1);
  }
  t.equal(decode(Buffer.concat(out)).frames, 12);
});
