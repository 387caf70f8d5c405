// Command lines for the hardware encoders the ffmpeg builder on the H.264
// side (encode/h264/encoder-args.ts, which has h264_nvmpi) does not cover:
// the Jetson's GStreamer elements (nvv4l2h264enc, nvjpegenc) and the Pi's
// V4L2 M2M JPEG encoder (GStreamer v4l2jpegenc; ffmpeg has none). Not wired
// into the encoders yet: the H.264 encoder runs ffmpeg, the JPEG path sharp.
// Like that builder: raw frames of a fixed size and rate on stdin, one
// access unit (or one JPEG) per input frame on stdout, no B-frames.
// Not run on real hardware here: only built and checked for shape.

export type RawFormat = 'rgb24' | 'bgr24' | 'yuyv422' | 'yuv420p' | 'nv12';

export interface HwH264Options {
  width: number;
  height: number;
  fps: number;
  pixelFormat: RawFormat;
  bitrateKbps: number;
  /** Frames from one IDR to the next. */
  gop: number;
  profile: 'baseline' | 'main';
}

export interface HwJpegOptions {
  width: number;
  height: number;
  fps: number;
  pixelFormat: RawFormat;
  /** 1..100 */
  quality: number;
}

/** rawvideoparse's names for our layouts. */
const GST_FORMAT: Record<RawFormat, string> = { rgb24: 'rgb', bgr24: 'bgr', yuyv422: 'yuy2', yuv420p: 'i420', nv12: 'nv12' };

export class HwArgsError extends Error {
  override name = 'HwArgsError';
}

function check(o: { width: number; height: number; fps: number }): void {
  for (const [k, v] of Object.entries({ width: o.width, height: o.height, fps: o.fps })) {
    if (!Number.isInteger(v) || v <= 0 || v > 8192) throw new HwArgsError(`${k} must be an integer 1..8192, got ${v}`);
  }
}

/** Tokens joined by '!' as gst-launch-1.0 wants them, one argv element per token. */
function chain(...elements: string[][]): string[] {
  return elements.flatMap((e, i) => (i === 0 ? e : ['!', ...e]));
}

/** stdin raw frames → GStreamer raw video caps, and into NVMM memory for the Jetson's engines. */
function jetsonInput(o: { width: number; height: number; fps: number; pixelFormat: RawFormat }, nvmmFormat: string): string[][] {
  const parse = [['fdsrc', 'fd=0'], ['rawvideoparse', `width=${o.width}`, `height=${o.height}`, `format=${GST_FORMAT[o.pixelFormat]}`, `framerate=${o.fps}/1`]];
  // nvvidconv takes 32-bit RGB only: 24-bit frames are widened on the CPU first.
  const widen = o.pixelFormat === 'rgb24' || o.pixelFormat === 'bgr24' ? [['videoconvert'], ['video/x-raw,format=BGRx']] : [];
  return [...parse, ...widen, ['nvvidconv'], [`video/x-raw(memory:NVMM),format=${nvmmFormat}`]];
}

/**
 * gst-launch-1.0 arguments for the Jetson's H.264 engine (NVENC; Orin Nano has none): Annex-B access units on stdout,
 * SPS/PPS before every IDR, an AUD per access unit, CBR.
 */
export function jetsonGstH264Args(o: HwH264Options): string[] {
  check(o);
  if (!Number.isInteger(o.gop) || o.gop < 1) throw new HwArgsError(`gop must be a positive integer, got ${o.gop}`);
  if (!(o.bitrateKbps > 0)) throw new HwArgsError(`bitrateKbps must be positive, got ${o.bitrateKbps}`);
  return ['-q', ...chain(
    ...jetsonInput(o, 'NV12'),
    // profile: 0 baseline, 2 main (the element's enum); control-rate 1 = CBR; preset-level 1 = fastest.
    ['nvv4l2h264enc', `bitrate=${Math.round(o.bitrateKbps * 1000)}`, 'control-rate=1', `iframeinterval=${o.gop}`, `idrinterval=${o.gop}`,
      'insert-sps-pps=true', 'insert-aud=true', `profile=${o.profile === 'main' ? 2 : 0}`, 'preset-level=1', 'maxperf-enable=true'],
    ['h264parse', 'config-interval=-1'],
    ['video/x-h264,stream-format=byte-stream,alignment=au'],
    ['fdsink', 'fd=1', 'sync=false'],
  )];
}

function checkQuality(q: number): void {
  if (!Number.isInteger(q) || q < 1 || q > 100) throw new HwArgsError(`quality must be an integer 1..100, got ${q}`);
}

/** gst-launch-1.0 arguments for the Jetson's JPEG engine (NVJPG): concatenated JPEGs on stdout, one per frame. */
export function jetsonGstJpegArgs(o: HwJpegOptions): string[] {
  check(o);
  checkQuality(o.quality);
  return ['-q', ...chain(...jetsonInput(o, 'I420'), ['nvjpegenc', `quality=${o.quality}`], ['fdsink', 'fd=1', 'sync=false'])];
}

/** gst-launch-1.0 arguments for the Pi's V4L2 M2M JPEG encoder (bcm2835-codec-encode_image; Pi 4 and older). */
export function piGstJpegArgs(o: HwJpegOptions): string[] {
  check(o);
  checkQuality(o.quality);
  const input = [['fdsrc', 'fd=0'], ['rawvideoparse', `width=${o.width}`, `height=${o.height}`, `format=${GST_FORMAT[o.pixelFormat]}`, `framerate=${o.fps}/1`]];
  // The encoder takes YUV (I420 here); RGB is converted on the CPU.
  const convert = o.pixelFormat === 'yuv420p' ? [] : [['videoconvert'], ['video/x-raw,format=I420']];
  return ['-q', ...chain(...input, ...convert, ['v4l2jpegenc', `extra-controls=c,compression_quality=${o.quality}`], ['fdsink', 'fd=1', 'sync=false'])];
}
