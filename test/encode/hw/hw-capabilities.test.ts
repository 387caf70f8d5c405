// Hardware-encoder detection with the real ffmpeg: on this machine (no GPU,
// no V4L2 M2M, no Jetson) and on prepared sysfs/dev/etc trees shaped like a
// Raspberry Pi 4, a Pi 5, a Jetson and a VAAPI PC. A tree has device names
// but no hardware behind them, so the trial encodes there must fail, and the
// report must say so rather than call the encoder usable.

import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chooseEncoder, detectHwCapabilities } from '../../../lib/encode/hw/hw-capabilities.js';
import { parseEncoderList } from '../../../lib/encode/hw/ffmpeg-encoders.js';
import { parseV4l2Ctl } from '../../../lib/encode/hw/m2m-devices.js';
import type { EncoderCandidate } from '../../../lib/encode/hw/hw-report.js';
import { hasCommand, FFMPEG_MISSING } from '../../helpers/tools.js';

/** A tree under a temp dir: `files` maps relative paths to contents. */
function tree(t: { teardown(fn: () => void): void }, files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'skyfeed-hw-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

/** sysfs name + /dev node for each video node. */
function videoNodes(nodes: Record<number, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [n, name] of Object.entries(nodes)) {
    out[`sys/class/video4linux/video${n}/name`] = `${name}\n`;
    out[`dev/video${n}`] = '';
  }
  return out;
}

const byName = (list: EncoderCandidate[], name: string) => list.find((c) => c.name === name);

if (!hasCommand('ffmpeg')) {
  t.fail(FFMPEG_MISSING);
} else {
  t.test('parses the real ffmpeg encoder list', async (t) => {
    const r = spawnSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' });
    const names = parseEncoderList(r.stdout);
    t.ok(names.has('libx264'), 'libx264');
    t.ok(names.has('mjpeg'), 'mjpeg');
    t.notOk(names.has('='), 'legend lines are not encoders');
    t.notOk(names.has('V.....'));
    t.ok(names.size > 50, `${names.size} encoders`);
  });

  t.test('this machine: software H.264 only, with the reasons hardware is out', async (t) => {
    const r = await detectHwCapabilities();
    t.equal(r.platform.arch, process.arch);
    t.same(r.h264.map((c) => c.name), ['h264_v4l2m2m', 'h264_vaapi', 'libx264'], 'candidates, hardware first');
    t.match(byName(r.h264, 'h264_v4l2m2m')!, { usable: false, reason: /no V4L2 M2M H\.264 encoder device/ });
    t.match(byName(r.h264, 'h264_vaapi')!, { usable: false, reason: /no VAAPI render node/ });
    t.match(byName(r.h264, 'libx264')!, { usable: true, hardware: false, reason: /^software, listed by this ffmpeg/ });
    const { choice, warning } = chooseEncoder(r.h264);
    t.equal(choice?.name, 'libx264');
    t.match(warning, /using software libx264; hardware not usable: h264_v4l2m2m/);
    t.match(r.jpeg[r.jpeg.length - 1], { name: 'sharp', usable: true, hardware: false });
    t.match(byName(r.jpeg, 'v4l2jpegenc')!, { usable: false, reason: /^no V4L2 M2M JPEG encoder device/ }, 'listed with why it is out');
    t.ok(r.tookMs >= 0 && r.tookMs < 30000, `took ${r.tookMs} ms`);
  });

  t.test('a Raspberry Pi 4 tree: encoders found by name, but no trial passes without the hardware', async (t) => {
    const root = tree(t, {
      'proc/device-tree/model': 'Raspberry Pi 4 Model B Rev 1.4\0',
      ...videoNodes({ 10: 'bcm2835-codec-decode', 11: 'bcm2835-codec-encode', 12: 'bcm2835-codec-isp', 18: 'bcm2835-codec-encode_image' }),
    });
    const r = await detectHwCapabilities({ root, gstInspectPath: 'gst-inspect-skyfeed-absent' });
    t.match(r.platform, { board: 'raspberry-pi', piGeneration: 4, model: 'Raspberry Pi 4 Model B Rev 1.4' });
    const m2m = byName(r.h264, 'h264_v4l2m2m')!;
    t.equal(m2m.device, '/dev/video11', 'the encode node, not decode or isp');
    t.equal(m2m.usable, false, 'no real M2M encoder behind the name');
    t.match(m2m.reason, /^trial encode failed on \/dev\/video11: /);
    const jpeg = byName(r.jpeg, 'v4l2jpegenc')!;
    t.match(jpeg, { device: '/dev/video18', usable: false, reason: /gst-inspect-skyfeed-absent not found/ });
    t.equal(chooseEncoder(r.h264).choice?.name, 'libx264', 'falls back to software');
  });

  t.test('a Raspberry Pi 5 tree: no H.264 or JPEG encoder block, said as such', async (t) => {
    const root = tree(t, {
      'sys/firmware/devicetree/base/model': 'Raspberry Pi 5 Model B Rev 1.0\0',
      ...videoNodes({ 19: 'rpivid', 20: 'pispbe' }),
    });
    const r = await detectHwCapabilities({ root });
    t.match(r.platform, { board: 'raspberry-pi', piGeneration: 5 });
    t.match(byName(r.h264, 'h264_v4l2m2m')!.reason, /among \/dev\/video19 \(rpivid, found by name\).*Raspberry Pi 5 has no H\.264 encoder/);
    t.match(byName(r.jpeg, 'v4l2jpegenc')!, { usable: false, reason: /Raspberry Pi 5 has none/ });
  });

  t.test('a Jetson tree: GStreamer and jetson-ffmpeg candidates first, each with what is missing', async (t) => {
    const root = tree(t, { 'etc/nv_tegra_release': '# R36 (release), REVISION: 3.0, GCID: 36923193, BOARD: generic, EABI: aarch64\n' });
    const r = await detectHwCapabilities({ root, gstInspectPath: 'gst-inspect-skyfeed-absent' });
    t.match(r.platform, { board: 'jetson', model: /^# R36 \(release\)/ });
    t.same(r.h264.slice(0, 2).map((c) => c.name), ['nvv4l2h264enc', 'h264_nvmpi']);
    t.match(byName(r.h264, 'nvv4l2h264enc')!, { via: 'gstreamer', usable: false, reason: /not found \(GStreamer is needed for nvv4l2h264enc\)/ });
    t.match(byName(r.h264, 'h264_nvmpi')!, { usable: false, reason: /not in this ffmpeg build/ });
    t.match(byName(r.jpeg, 'nvjpegenc')!, { usable: false });
  });

  t.test('a VAAPI render node that is not a GPU fails its trial', async (t) => {
    const root = tree(t, { 'dev/dri/renderD128': '' });
    const r = await detectHwCapabilities({ root });
    const vaapi = byName(r.h264, 'h264_vaapi')!;
    t.equal(vaapi.device, '/dev/dri/renderD128');
    t.equal(vaapi.usable, false);
    t.match(vaapi.reason, /^trial encode failed on \/dev\/dri\/renderD128: /);
  });

  t.test('without ffmpeg nothing that needs it is usable, and the choice says why', async (t) => {
    const r = await detectHwCapabilities({ ffmpegPath: '/nonexistent/ffmpeg' });
    for (const c of r.h264) t.match(c, { usable: false, reason: /\/nonexistent\/ffmpeg not found/ }, c.name);
    const { choice, warning } = chooseEncoder(r.h264);
    t.equal(choice, null);
    t.match(warning, /^no usable encoder: h264_v4l2m2m: /);
  });

  t.test('trial: false reports met prerequisites as usable but not tried', async (t) => {
    const root = tree(t, { 'dev/dri/renderD128': '' });
    const r = await detectHwCapabilities({ root, trial: false });
    t.match(byName(r.h264, 'h264_vaapi')!, { usable: true, reason: /^prerequisites met on \/dev\/dri\/renderD128; not tried/ });
  });
}

t.test('reads v4l2-ctl output: M2M caps and coded formats', async (t) => {
  const encoder = [
    'Driver Info:', '\tDriver name      : bcm2835-codec', '\tCard type        : bcm2835-codec-encode',
    '\tCapabilities     : 0x84204000', '\tDevice Caps      : 0x04204000',
    'ioctl: VIDIOC_ENUM_FMT', '\tType: Video Capture Multiplanar', '', "\t[0]: 'H264' (H.264, compressed)",
  ].join('\n');
  t.same(parseV4l2Ctl(encoder), { m2m: true, formats: ['H264'] });
  const camera = ['\tDevice Caps      : 0x04200001', "\t[0]: 'MJPG' (Motion-JPEG, compressed)", "\t[1]: 'YUYV' (YUYV 4:2:2)"].join('\n');
  t.same(parseV4l2Ctl(camera), { m2m: false, formats: ['MJPG', 'YUYV'] });
});
