// A trial encode: a few synthetic frames through the real encoder, output
// thrown away. Listing an encoder or finding a device node proves little (a
// Pi 5 ffmpeg lists h264_v4l2m2m; a Jetson Orin Nano has the GStreamer
// element but no encoder block); a short encode that exits 0 does.

import { execFile } from 'node:child_process';

export interface TrialResult {
  ok: boolean;
  /** '' when ok; else the tool's last error line, or why it did not run. */
  error: string;
  ms: number;
}

/** Runs `cmd args`; ok when it exits 0 within `timeoutMs`. Stderr is capped (1 MiB) and only its last line kept. */
export function trialRun(cmd: string, args: string[], timeoutMs: number): Promise<TrialResult> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 1 << 20, killSignal: 'SIGKILL' }, (err, _stdout, stderr) => {
      const ms = performance.now() - t0;
      if (!err) return resolve({ ok: true, error: '', ms });
      const e = err as NodeJS.ErrnoException & { killed?: boolean };
      const last = String(stderr).trim().split('\n').filter(Boolean).pop() ?? '';
      const error = e.code === 'ENOENT' ? `${cmd} not found` : e.killed ? `no result within ${timeoutMs} ms` : last || e.message.split('\n')[0];
      resolve({ ok: false, error, ms });
    });
  });
}

/** ffmpeg arguments that encode `frames` test-pattern frames with `encoder` and discard them. */
export function ffmpegTrialArgs(encoder: string, opts: { vaapiDevice?: string; frames?: number } = {}): string[] {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error'];
  if (opts.vaapiDevice) args.push('-vaapi_device', opts.vaapiDevice);
  args.push('-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30', '-frames:v', String(opts.frames ?? 5));
  if (opts.vaapiDevice) args.push('-vf', 'format=nv12,hwupload');
  else args.push('-pix_fmt', 'yuv420p');
  args.push('-c:v', encoder, '-f', 'null', '-');
  return args;
}

/** gst-launch-1.0 arguments that push test frames through `encoderChain` (elements after the raw I420 caps) into fakesink. */
export function gstTrialArgs(encoderChain: string[], frames = 5): string[] {
  return ['-q', 'videotestsrc', `num-buffers=${frames}`, '!', 'video/x-raw,format=I420,width=320,height=240,framerate=30/1', '!',
    ...encoderChain.flatMap((e, i) => (i === 0 ? [e] : ['!', e])), '!', 'fakesink'];
}
