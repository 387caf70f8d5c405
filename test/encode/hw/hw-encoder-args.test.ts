// Command lines for the Jetson and the Pi's JPEG encoder. No such hardware
// here: these tests check the pipelines' shape (element order, units,
// property values) and that bad options are refused, nothing more.

import t from 'tap';
import {
  jetsonGstH264Args, jetsonGstJpegArgs, piGstJpegArgs, type HwH264Options,
} from '../../../lib/encode/hw/hw-encoder-args.js';
import { encoderArgs } from '../../../lib/encode/h264/encoder-args.js';

const h264: HwH264Options = { width: 1280, height: 720, fps: 30, pixelFormat: 'yuv420p', bitrateKbps: 2500, gop: 60, profile: 'baseline' };

/** The element names of a gst-launch argv, in order (first token of each '!'-separated group). */
function elements(args: string[]): string[] {
  const out: string[] = [];
  let start = true;
  for (const a of args.slice(1)) {
    if (a === '!') start = true;
    else if (start) {
      out.push(a);
      start = false;
    }
  }
  return out;
}

t.test('Jetson H.264 through GStreamer: NVMM NV12 into nvv4l2h264enc, Annex-B AUs out', async (t) => {
  const a = jetsonGstH264Args(h264);
  t.equal(a[0], '-q');
  t.same(elements(a), ['fdsrc', 'rawvideoparse', 'nvvidconv', 'video/x-raw(memory:NVMM),format=NV12', 'nvv4l2h264enc', 'h264parse',
    'video/x-h264,stream-format=byte-stream,alignment=au', 'fdsink']);
  t.ok(a.includes('format=i420') && a.includes('width=1280') && a.includes('framerate=30/1'));
  t.ok(a.includes('bitrate=2500000'), 'bits per second');
  t.ok(a.includes('iframeinterval=60') && a.includes('idrinterval=60'));
  t.ok(a.includes('profile=0') && a.includes('insert-sps-pps=true') && a.includes('insert-aud=true'));
  t.ok(jetsonGstH264Args({ ...h264, profile: 'main' }).includes('profile=2'));
  const rgb = elements(jetsonGstH264Args({ ...h264, pixelFormat: 'rgb24' }));
  t.same(rgb.slice(1, 5), ['rawvideoparse', 'videoconvert', 'video/x-raw,format=BGRx', 'nvvidconv'], '24-bit RGB widened for nvvidconv');
  t.ok(jetsonGstH264Args({ ...h264, pixelFormat: 'yuyv422' }).includes('format=yuy2'));
});

t.test('Jetson H.264 through jetson-ffmpeg: the H.264 builder\'s h264_nvmpi case', async (t) => {
  const a = encoderArgs({ ...h264, encoder: 'h264_nvmpi', framing: 'flv', vaapiDevice: '' });
  const c = a.indexOf('-c:v');
  t.same(a.slice(c, c + 12), ['-c:v', 'h264_nvmpi', '-pix_fmt', 'yuv420p', '-profile:v', 'baseline', '-g', '60', '-bf', '0', '-b:v', '2500k']);
  t.same(a.slice(a.indexOf('-f'), a.indexOf('-f') + 2), ['-f', 'rawvideo'], 'raw frames on stdin like every encoder');
  t.same(a.slice(-9), ['-fps_mode', 'passthrough', '-flush_packets', '1', '-flvflags', 'no_duration_filesize', '-f', 'flv', 'pipe:1'],
    'one packet per frame, flushed, FLV on stdout');
  t.notOk(a.includes('-vaapi_device'));
});

t.test('JPEG pipelines: Jetson nvjpegenc and the Pi V4L2 M2M encoder', async (t) => {
  const j = jetsonGstJpegArgs({ width: 640, height: 480, fps: 30, pixelFormat: 'nv12', quality: 85 });
  t.same(elements(j), ['fdsrc', 'rawvideoparse', 'nvvidconv', 'video/x-raw(memory:NVMM),format=I420', 'nvjpegenc', 'fdsink']);
  t.ok(j.includes('quality=85'));
  const p = piGstJpegArgs({ width: 640, height: 480, fps: 30, pixelFormat: 'rgb24', quality: 70 });
  t.same(elements(p), ['fdsrc', 'rawvideoparse', 'videoconvert', 'video/x-raw,format=I420', 'v4l2jpegenc', 'fdsink']);
  t.ok(p.includes('extra-controls=c,compression_quality=70'));
  t.notOk(elements(piGstJpegArgs({ width: 640, height: 480, fps: 30, pixelFormat: 'yuv420p', quality: 70 })).includes('videoconvert'), 'I420 goes straight in');
});

t.test('bad options are refused with the field named', async (t) => {
  t.throws(() => jetsonGstH264Args({ ...h264, width: 0 }), { name: 'HwArgsError', message: /width must be an integer 1\.\.8192, got 0/ });
  t.throws(() => jetsonGstH264Args({ ...h264, fps: 29.97 }), /fps must be an integer/);
  t.throws(() => jetsonGstH264Args({ ...h264, gop: 0 }), /gop must be a positive integer/);
  t.throws(() => jetsonGstH264Args({ ...h264, bitrateKbps: -1 }), /bitrateKbps must be positive/);
  t.throws(() => piGstJpegArgs({ width: 640, height: 480, fps: 30, pixelFormat: 'nv12', quality: 101 }), /quality must be an integer 1\.\.100/);
  t.throws(() => jetsonGstJpegArgs({ width: 640, height: 99999, fps: 30, pixelFormat: 'nv12', quality: 80 }), /height/);
});
