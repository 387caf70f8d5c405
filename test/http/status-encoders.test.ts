// GET /status "encoders": the hardware-encoder detection the server runs at
// start, and the fallback it decides. On this machine (no V4L2 M2M, no GPU)
// a configured h264_v4l2m2m must be reported unusable with the reason, the
// warning logged once, and the WebRTC encode must really run libx264 (the
// server's ffmpeg child's command line) and reach a viewer.

import t from 'tap';
import { readFileSync } from 'node:fs';
import { startServer } from '../helpers/child-server.js';
import { call } from '../helpers/http.js';
import { startInProcess } from '../helpers/in-process.js';
import { childPids, hasCommand, FFMPEG_MISSING } from '../helpers/tools.js';
import { waitFor } from '../helpers/wait.js';
import { whepViewer } from '../helpers/whep-viewer.js';

if (!hasCommand('ffmpeg')) throw new Error(FFMPEG_MISSING);

interface EncodersBlock {
  state: string;
  configured: { h264: string };
  selected: { h264: string | null; jpeg: string };
  warning: string | null;
  reason: string | null;
  h264: { name: string; usable: boolean; reason: string }[];
  jpeg: { name: string; usable: boolean; reason: string }[];
  platform: { arch: string; board: string } | null;
  took_ms: number | null;
}

async function encodersWhenDone(base: string): Promise<EncodersBlock> {
  return waitFor(async () => {
    const e = (await call(base, 'GET', '/status')).body.encoders as EncodersBlock;
    return e.state === 'detecting' ? null : e;
  }, 'hardware-encoder detection to finish');
}


t.test('webrtc.encoder h264_v4l2m2m here: listed unusable, warned once, libx264 really runs', async (t) => {
  const srv = await startServer(t, {
    source: { type: 'synthetic' }, streaming: { width: 320, height: 240, fps: 30 }, webrtc: { enabled: true, encoder: 'h264_v4l2m2m' },
  });
  const e = await encodersWhenDone(srv.base);
  t.equal(e.state, 'done');
  t.same(e.configured, { h264: 'h264_v4l2m2m' });
  t.same(e.selected, { h264: 'libx264', jpeg: 'sharp' });
  t.match(e.warning, /^webrtc\.encoder h264_v4l2m2m is not usable here \(no V4L2 M2M H\.264 encoder device.*\); using software libx264$/);
  t.same(e.h264.map((c) => c.name), ['h264_v4l2m2m', 'h264_vaapi', 'libx264']);
  for (const c of [...e.h264, ...e.jpeg]) t.same(Object.keys(c).sort(), ['name', 'reason', 'usable'], `${c.name}: {name, usable, reason}`);
  t.match(e.h264[2], { usable: true });
  t.match(e.jpeg.find((c) => c.name === 'v4l2jpegenc'), { usable: false, reason: /no V4L2 M2M JPEG encoder device/ });
  t.match(e.jpeg.at(-1), { name: 'sharp', usable: true });
  t.match(e.platform, { arch: process.arch, board: 'generic' });
  const warned = srv.output().split('\n').filter((l) => l.includes('h264_v4l2m2m is not usable here'));
  t.equal(warned.length, 1, 'the fallback is logged once');
  // A JSON log line on stderr (lib/util/log.ts), a warning of the h264 component.
  t.match(JSON.parse(warned[0]), { level: 40, component: 'h264', msg: /^h264 encoder: / });

  t.same(childPids(srv.pid, 'ffmpeg'), [], 'no encode before a viewer');
  const { v } = await whepViewer(srv.base);
  t.teardown(() => v.close());
  await waitFor(() => v.counts.frames >= 10, 'the viewer to receive 10 frames');
  const [pid] = childPids(srv.pid, 'ffmpeg');
  t.ok(pid, 'the encoder process');
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  t.equal(argv[argv.indexOf('-c:v') + 1], 'libx264', 'the encode runs libx264');
  t.notOk(argv.includes('h264_v4l2m2m'));
});

t.test('auto with no hardware: libx264, no warning', async (t) => {
  const srv = await startInProcess(t, { source: { type: 'synthetic' }, webrtc: { enabled: true, encoder: 'auto' } });
  const e = await encodersWhenDone(srv.base);
  t.match(e, { configured: { h264: 'auto' }, selected: { h264: 'libx264' }, warning: null, reason: /^auto: no usable hardware/ });
  t.equal(srv.server.context.encoders.snapshot().h264?.selected, 'libx264');
});

t.test('WebRTC off and no restream target: no H.264 candidates or choice, the JPEG side still listed', async (t) => {
  const srv = await startInProcess(t, { source: { type: 'synthetic' }, webrtc: { enabled: false, encoder: 'h264_vaapi' } });
  const e = await encodersWhenDone(srv.base);
  t.same(e.h264, []);
  t.match(e, { selected: { h264: null, jpeg: 'sharp' }, warning: null });
  t.same(e.jpeg.map((c) => c.name), ['v4l2jpegenc', 'sharp']);
});
