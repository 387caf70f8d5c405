// The detection as the server runs it: once per process (a second server
// gets the same report without new probes), the H.264 choice with its
// warning logged once, JPEG only when nothing encodes H.264, and a time budget that
// a hanging encoder cannot exceed (a stand-in ffmpeg that never finishes
// its trial, as a wedged hardware encoder does).

import t from 'tap';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EncoderDetection, detectOnce } from '../../../lib/encode/hw/encoder-detection.js';
import { hasCommand, FFMPEG_MISSING } from '../../helpers/tools.js';

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-hwdet-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

if (!hasCommand('ffmpeg')) {
  t.fail(FFMPEG_MISSING);
} else {
  t.test('one detection per process: a second owner gets the same report at once', async (t) => {
    const logs: string[] = [];
    const a = new EncoderDetection({ configured: 'h264_vaapi', log: (m) => logs.push(m) });
    t.equal(a.snapshot().state, 'detecting', 'in the background: the constructor does not wait');
    t.equal(a.snapshot().h264, null);
    const sel = await a.settled();
    t.match(sel, { configured: 'h264_vaapi', selected: 'libx264', warning: /h264_vaapi is not usable here \(no VAAPI render node/ });
    t.equal(await a.h264Encoder(), 'libx264');
    t.same(logs, [sel.warning], 'the fallback is logged once');
    const snap = a.snapshot();
    t.equal(snap.state, 'done');
    t.ok(snap.report && snap.report.h264.some((c) => c.name === 'libx264' && c.usable));
    const t0 = performance.now();
    const b = new EncoderDetection({ configured: 'libx264' });
    await b.settled();
    t.equal(b.snapshot().report, snap.report, 'the same report object: cached, not detected again');
    t.ok(performance.now() - t0 < 200, `second owner settled in ${Math.round(performance.now() - t0)} ms`);
    t.equal(b.snapshot().h264?.warning, null);
  });

  t.test('WebRTC off: no H.264 candidates, no ffmpeg run, JPEG still listed', async (t) => {
    const d = new EncoderDetection({ configured: 'h264_v4l2m2m', h264: false, ffmpegPath: '/nonexistent/ffmpeg' });
    const sel = await d.settled();
    const r = d.snapshot().report!;
    t.same(r.h264, []);
    t.same(r.jpeg.map((c) => c.name), ['v4l2jpegenc', 'sharp']);
    t.match(r.jpeg[0], { usable: false, reason: /no V4L2 M2M JPEG encoder device/ });
    t.match(sel, { warning: null, reason: /no H\.264 encode \(WebRTC off, no restream target\)/ }, 'no warning about an encoder that does not run');
    t.equal(d.encodesH264, false);
  });
}

t.test('the budget bounds the whole run: a trial that hangs is cut, the rest are not tried', async (t) => {
  const dir = tempDir(t);
  // Lists the hardware encoders at once; any encode hangs (a wedged encoder).
  const fake = path.join(dir, 'ffmpeg');
  writeFileSync(fake, [
    '#!/bin/sh',
    'case "$*" in *-encoders*) printf " ------\\n V....D h264_v4l2m2m x\\n V....D h264_vaapi x\\n V....D libx264 x\\n"; exit 0;; esac',
    'exec sleep 30',
  ].join('\n'));
  chmodSync(fake, 0o755);
  const root = path.join(dir, 'root');
  for (const [rel, text] of Object.entries({
    'proc/device-tree/model': 'Raspberry Pi 4 Model B Rev 1.4\0', 'sys/class/video4linux/video11/name': 'bcm2835-codec-encode\n',
    'dev/video11': '', 'dev/dri/renderD128': '',
  })) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  const t0 = performance.now();
  const r = await detectOnce({ root, ffmpegPath: fake, gstInspectPath: 'gst-inspect-skyfeed-absent', budgetMs: 1500 });
  const took = performance.now() - t0;
  t.ok(took < 5000, `took ${Math.round(took)} ms with a 1500 ms budget (each hung trial would take 30 s)`);
  const byName = (n: string) => r.h264.find((c) => c.name === n)!;
  t.match(byName('h264_v4l2m2m'), { usable: false, reason: /^trial encode failed on \/dev\/video11: no result within \d+ ms/ });
  t.match(byName('h264_vaapi'), { usable: false, reason: /^not tried on \/dev\/dri\/renderD128: the detection's 1500 ms budget was spent/ });
  t.match(byName('libx264'), { usable: true }, 'software needs no trial');
});
