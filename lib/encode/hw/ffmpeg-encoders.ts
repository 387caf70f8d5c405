// The encoders an ffmpeg build has (`ffmpeg -hide_banner -encoders`). Being
// listed says the build knows the encoder, not that the hardware behind it
// is here: hw-capabilities.ts checks devices and runs a trial encode.

import { execFile } from 'node:child_process';

/** Encoder names from `ffmpeg -encoders` output (lines like " V....D libx264   libx264 H.264 ..."). */
export function parseEncoderList(text: string): Set<string> {
  const names = new Set<string>();
  let started = false;
  for (const line of text.split('\n')) {
    // The legend ends with a " ------" line; encoders follow.
    if (!started) {
      started = /^\s*-{6}\s*$/.test(line);
      continue;
    }
    const m = /^\s*([VAS][F.][S.][X.][B.][D.])\s+(\S+)/.exec(line);
    if (m) names.add(m[2]);
  }
  return names;
}

/** Encoders of the ffmpeg at `ffmpegPath`; rejects with a readable reason when it cannot run. */
export function listFfmpegEncoders(ffmpegPath: string, timeoutMs: number): Promise<Set<string>> {
  return new Promise((resolve, reject) => {
    execFile(ffmpegPath, ['-hide_banner', '-encoders'], { timeout: timeoutMs, maxBuffer: 4 << 20 }, (err, stdout) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        reject(new Error(code === 'ENOENT' ? `${ffmpegPath} not found (Debian: apt-get install ffmpeg)` : `${ffmpegPath} -encoders failed: ${err.message}`));
        return;
      }
      resolve(parseEncoderList(stdout));
    });
  });
}
