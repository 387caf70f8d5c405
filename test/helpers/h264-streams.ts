// Real H.264 byte streams made by ffmpeg/libx264 for the parser tests, and
// ffprobe's view of them (an independent splitter to compare against).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ffmpeg } from './tools.js';

export interface StreamSpec {
  frames: number;
  gop: number;
  /** Extra x264-params (e.g. "slices=4", "aud=0"). */
  x264?: string;
  format: 'h264' | 'flv';
  width?: number;
  height?: number;
  /** Extra output options. */
  extra?: string[];
}

const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-h264-'));
let n = 0;

/** Encodes lavfi testsrc2 (moving) with our realtime x264 settings; returns the file's bytes and path. */
export function makeStream(spec: StreamSpec): { bytes: Buffer; file: string } {
  const file = path.join(dir, `s${n++}.${spec.format}`);
  const w = spec.width ?? 320;
  const h = spec.height ?? 240;
  ffmpeg(['-f', 'lavfi', '-i', `testsrc2=s=${w}x${h}:r=30`, '-frames:v', String(spec.frames),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p',
    '-g', String(spec.gop), '-keyint_min', String(spec.gop), '-sc_threshold', '0',
    '-x264-params', ['repeat-headers=1', 'aud=1', spec.x264].filter(Boolean).join(':'),
    ...(spec.extra ?? []), '-f', spec.format, file]);
  return { bytes: readFileSync(file), file };
}

/** ffprobe's packets of a file: size and keyframe flag, in order. */
export function probePackets(file: string): { size: number; key: boolean }[] {
  const args = ['-v', 'error', '-show_packets', '-show_entries', 'packet=size,flags', '-of', 'csv', file];
  const r = spawnSync('ffprobe', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffprobe failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').map((l) => {
    const [, size, flags] = l.split(',');
    return { size: Number(size), key: flags.startsWith('K') };
  });
}

/** NAL unit types of an Annex-B buffer, in order. */
export function nalTypes(au: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + 3 < au.length; i++) {
    if (au[i] === 0 && au[i + 1] === 0 && au[i + 2] === 1) {
      out.push(au[i + 3] & 0x1f);
      i += 3;
    }
  }
  return out;
}
