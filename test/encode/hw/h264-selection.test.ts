// webrtc.encoder against a detection report: a usable named encoder runs,
// an unusable one falls back to libx264 with a warning naming the reason,
// auto takes the first usable hardware encoder ffmpeg can run.

import t from 'tap';
import { selectH264Encoder } from '../../../lib/encode/hw/h264-selection.js';
import type { EncoderCandidate } from '../../../lib/encode/hw/hw-report.js';

function cand(name: string, usable: boolean, reason: string, via: EncoderCandidate['via'] = 'ffmpeg'): EncoderCandidate {
  return { name, via, hardware: name !== 'libx264', usable, reason };
}

/** What this machine reports (no hardware). */
const x64 = [
  cand('h264_v4l2m2m', false, 'no V4L2 M2M H.264 encoder device (no video4linux nodes)'),
  cand('h264_vaapi', false, 'no VAAPI render node (/dev/dri/renderD*)'),
  cand('libx264', true, 'software, listed by this ffmpeg (no hardware to try)'),
];
/** A Pi 4 whose M2M encoder passed its trial. */
const pi4 = [cand('h264_v4l2m2m', true, 'trial encode passed on /dev/video11 in 412 ms'), ...x64.slice(1)];
/** A Jetson with the GStreamer element only. */
const jetson = [
  cand('nvv4l2h264enc', true, 'trial encode passed in 800 ms', 'gstreamer'),
  cand('h264_nvmpi', false, 'not in this ffmpeg build (ffmpeg -encoders does not list h264_nvmpi)'),
  ...x64,
];

t.test('a named encoder that is usable runs, without a warning', async (t) => {
  t.match(selectH264Encoder('h264_v4l2m2m', pi4), { selected: 'h264_v4l2m2m', warning: null, reason: /trial encode passed/ });
  t.match(selectH264Encoder('libx264', x64), { selected: 'libx264', warning: null });
});

t.test('a named encoder that is not usable falls back to libx264 with the reason in the warning', async (t) => {
  const s = selectH264Encoder('h264_v4l2m2m', x64);
  t.equal(s.selected, 'libx264');
  t.match(s.warning, /^webrtc\.encoder h264_v4l2m2m is not usable here \(no V4L2 M2M H\.264 encoder device .*\); using software libx264$/);
  t.match(selectH264Encoder('h264_nvmpi', x64).warning, /h264_nvmpi is not usable here \(not a candidate on this machine/);
  t.match(selectH264Encoder('h264_nvmpi', jetson).warning, /not in this ffmpeg build/);
});

t.test('without a report (detection unfinished or failed) a hardware name is not trusted', async (t) => {
  t.match(selectH264Encoder('h264_vaapi', null, 'detection failed: boom'), { selected: 'libx264', warning: /\(detection failed: boom\)/ });
  t.match(selectH264Encoder('libx264', null), { selected: 'libx264', warning: null });
  t.match(selectH264Encoder('auto', null), { selected: 'libx264', warning: null, reason: /did not finish/ });
});

t.test('auto: the first usable hardware encoder ffmpeg can run, else libx264 without a warning', async (t) => {
  t.match(selectH264Encoder('auto', pi4), { configured: 'auto', selected: 'h264_v4l2m2m', warning: null });
  t.match(selectH264Encoder('auto', x64), { selected: 'libx264', warning: null, reason: /no usable hardware/ });
  const j = selectH264Encoder('auto', jetson);
  t.equal(j.selected, 'libx264', 'a GStreamer-only encoder cannot run in the ffmpeg encoder');
  t.match(j.reason, /nvv4l2h264enc usable but not through ffmpeg/);
});

t.test('libx264 configured but not usable: still libx264 (nothing else), with the reason', async (t) => {
  const broken = [cand('libx264', false, '/nonexistent/ffmpeg not found')];
  t.match(selectH264Encoder('libx264', broken), { selected: 'libx264', warning: /libx264 is not usable here: \/nonexistent\/ffmpeg not found/ });
});
