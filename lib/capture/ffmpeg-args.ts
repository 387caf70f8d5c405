// The ffmpeg command line for a source: any input ffmpeg reads, scaled to the
// stream size, out on stdout as raw RGB24 / YUYV frames or as MJPEG.

export type FfmpegOutput = 'rgb24' | 'yuyv' | 'mjpeg';

export interface FfmpegArgsOptions {
  input: string;
  width: number;
  height: number;
  /** 0: the input's own rate. */
  fps: number;
  /** Replay a file input forever (-stream_loop -1). */
  loop: boolean;
  output: FfmpegOutput;
  /** Extra options placed before -i (e.g. ["-rtsp_transport", "tcp"]). */
  inputOptions: string[];
}

/** A local file (not a URL, not a device): read at its native rate with -re. */
export function isFileInput(input: string): boolean {
  if (input.startsWith('file:')) return true;
  if (/^[a-z][a-z0-9+.-]*:/i.test(input)) return false;
  return !input.startsWith('/dev/');
}

export function ffmpegArgs(o: FfmpegArgsOptions): string[] {
  const file = isFileInput(o.input);
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error'];
  if (!file) args.push('-fflags', 'nobuffer', '-flags', 'low_delay');
  args.push(...o.inputOptions);
  if (file) {
    // A recorded clip plays in real time, not as fast as ffmpeg can decode.
    args.push('-re');
    if (o.loop) args.push('-stream_loop', '-1');
  }
  args.push('-i', o.input, '-an', '-sn', '-dn');
  const filters = [`scale=${o.width}:${o.height}`];
  if (o.fps > 0) filters.push(`fps=${o.fps}`);
  args.push('-vf', filters.join(','));
  if (o.output === 'mjpeg') {
    args.push('-c:v', 'mjpeg', '-pix_fmt', 'yuvj420p', '-q:v', '3', '-f', 'mjpeg', 'pipe:1');
  } else {
    args.push('-f', 'rawvideo', '-pix_fmt', o.output === 'yuyv' ? 'yuyv422' : 'rgb24', 'pipe:1');
  }
  return args;
}
