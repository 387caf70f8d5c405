// ffmpeg command lines for the H.264 encoders we support. Every one reads raw
// frames on stdin at a fixed size and rate and writes one access unit per
// input frame: no B-frames, no lookahead, timestamps passed through, packets
// flushed as they are made.

import type { H264Profile } from './h264-level.js';

export type H264EncoderName = 'libx264' | 'h264_v4l2m2m' | 'h264_vaapi' | 'h264_nvmpi';
/** Raw frame layouts the encoder accepts on stdin (ffmpeg pix_fmt names). */
export type RawPixelFormat = 'rgb24' | 'bgr24' | 'yuyv422' | 'yuv420p' | 'nv12';
/** How access units are framed on ffmpeg's stdout. */
export type OutputFraming = 'flv' | 'annexb';

export interface EncoderArgsOptions {
  encoder: H264EncoderName;
  width: number;
  height: number;
  fps: number;
  pixelFormat: RawPixelFormat;
  bitrateKbps: number;
  /** Frames from one IDR to the next. */
  gop: number;
  profile: H264Profile;
  framing: OutputFraming;
  /** DRM render node for h264_vaapi. */
  vaapiDevice: string;
}

export const ENCODER_NAMES: readonly H264EncoderName[] = ['libx264', 'h264_v4l2m2m', 'h264_vaapi', 'h264_nvmpi'];
export const RAW_PIXEL_FORMATS: readonly RawPixelFormat[] = ['rgb24', 'bgr24', 'yuyv422', 'yuv420p', 'nv12'];

/** Bytes of one raw frame in `format`. */
export function rawFrameBytes(format: RawPixelFormat, width: number, height: number): number {
  switch (format) {
    case 'rgb24':
    case 'bgr24':
      return width * height * 3;
    case 'yuyv422':
      return width * height * 2;
    case 'yuv420p':
    case 'nv12':
      return width * height + 2 * Math.ceil(width / 2) * Math.ceil(height / 2);
  }
}

export function encoderArgs(o: EncoderArgsOptions): string[] {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error'];
  if (o.encoder === 'h264_vaapi') args.push('-vaapi_device', o.vaapiDevice);
  args.push('-f', 'rawvideo', '-pix_fmt', o.pixelFormat, '-s', `${o.width}x${o.height}`, '-framerate', String(o.fps), '-i', 'pipe:0');
  args.push('-an', '-sn', '-dn');
  const kbps = `${o.bitrateKbps}k`;
  switch (o.encoder) {
    case 'libx264':
      // ultrafast + zerolatency: no lookahead, no B-frames, sliced threads (one
      // AU out per frame in, at once). A fixed GOP (no scene cuts) keeps the
      // IDR cadence predictable for joiners; repeat-headers puts SPS/PPS in
      // front of every IDR; aud=1 marks AU starts for Annex-B readers.
      args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', o.profile,
        '-pix_fmt', 'yuv420p', '-g', String(o.gop), '-keyint_min', String(o.gop), '-sc_threshold', '0', '-bf', '0',
        '-b:v', kbps, '-maxrate', kbps, '-bufsize', `${Math.max(1, Math.round(o.bitrateKbps / 2))}k`,
        '-x264-params', 'repeat-headers=1:aud=1');
      break;
    case 'h264_v4l2m2m':
      // Raspberry Pi (bcm2835-codec; the Pi 5 has no H.264 encoder). ffmpeg
      // 5.1 takes the profile as a number here (66 baseline, 77 main). The
      // Pi sends SPS/PPS once; the AU writer puts them in front of every IDR.
      args.push('-c:v', 'h264_v4l2m2m', '-pix_fmt', 'yuv420p', '-profile:v', o.profile === 'main' ? '77' : '66',
        '-g', String(o.gop), '-bf', '0', '-b:v', kbps);
      break;
    case 'h264_vaapi':
      // Intel/AMD GPUs. Frames are uploaded as NV12; CBR at the bitrate.
      args.push('-vf', 'format=nv12,hwupload', '-c:v', 'h264_vaapi',
        '-profile:v', o.profile === 'main' ? 'main' : 'constrained_baseline', '-rc_mode', 'CBR',
        '-b:v', kbps, '-maxrate', kbps, '-g', String(o.gop), '-bf', '0', '-aud', '1');
      break;
    case 'h264_nvmpi':
      // NVIDIA Jetson through the community jetson-ffmpeg build (stock
      // ffmpeg has no Jetson encoder; Orin Nano has no encoder block). Not
      // run on a Jetson here: built and checked for shape only.
      args.push('-c:v', 'h264_nvmpi', '-pix_fmt', 'yuv420p', '-profile:v', o.profile, '-g', String(o.gop), '-bf', '0', '-b:v', kbps);
      break;
  }
  // One output packet per input frame, timestamps untouched, written at once.
  args.push('-fps_mode', 'passthrough', '-flush_packets', '1');
  if (o.framing === 'flv') args.push('-flvflags', 'no_duration_filesize', '-f', 'flv', 'pipe:1');
  else args.push('-f', 'h264', 'pipe:1');
  return args;
}
