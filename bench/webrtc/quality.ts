// (a) Bytes per viewer per second against picture quality: the same frames
// of the synthetic camera (noise, targets, counter) encoded by our H.264
// encoder (the real class and ffmpeg process) at several bitrates and as
// MJPEG with the server's realtime JPEG settings at several qualities. Each
// is decoded again (ffmpeg for H.264, sharp for JPEG) and compared with the
// raw frames by ffmpeg's SSIM filter (4:2:0, Y and all planes).

import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createScene, drawFrameCode, H264Encoder, realtimeJpeg } from '../../lib/index.js';

export interface QualityRow {
  codec: 'h264' | 'mjpeg';
  /** kbit/s target (H.264) or JPEG quality. */
  setting: number;
  bytes_per_s: number;
  ssim_y: number;
  ssim_all: number;
}

export interface QualityResult {
  frames: number;
  width: number;
  height: number;
  fps: number;
  rows: QualityRow[];
}

function ssim(decoded: string, source: string, w: number, h: number): { y: number; all: number } {
  const raw = ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${w}x${h}`, '-r', '30'];
  const r = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', ...raw, '-i', decoded, ...raw, '-i', source,
    '-lavfi', '[0:v]format=yuv420p[a];[1:v]format=yuv420p[b];[a][b]ssim', '-f', 'null', '-'], { encoding: 'utf8' });
  const m = /SSIM Y:([\d.]+).*All:([\d.]+)/.exec(r.stderr);
  if (!m) throw new Error(`ffmpeg ssim failed: ${r.stderr.slice(-500)}`);
  return { y: Number(m[1]), all: Number(m[2]) };
}

/** Encodes every frame (one in flight at a time, so none is skipped); returns the Annex-B stream. */
async function encodeH264(frames: Uint8Array[], w: number, h: number, fps: number, kbps: number): Promise<Buffer> {
  const enc = new H264Encoder({ width: w, height: h, fps, bitrateKbps: kbps, log: () => {} });
  const out: Buffer[] = [];
  let waiting: (() => void) | null = null;
  enc.onAccessUnit((au) => {
    out.push(Buffer.from(au.data));
    waiting?.();
  });
  enc.start();
  try {
    for (let i = 0; i < frames.length; i++) {
      const got = new Promise<void>((r) => { waiting = r; });
      for (let tries = 0; !enc.push(frames[i], i, 0); tries++) {
        if (tries > 500) throw new Error('encoder does not take frames');
        await new Promise((r) => setTimeout(r, 10));
      }
      await Promise.race([got, new Promise((_, rej) => setTimeout(() => rej(new Error(`no access unit for frame ${i}`)), 5000))]);
    }
  } finally {
    await enc.close();
  }
  if (out.length !== frames.length) throw new Error(`${out.length} access units for ${frames.length} frames`);
  return Buffer.concat(out);
}

export interface QualityOptions {
  frames: number;
  bitrates: number[];
  jpegQualities: number[];
  log: (s: string) => void;
}

export async function runQuality(o: QualityOptions): Promise<QualityResult> {
  const w = 640;
  const h = 480;
  const fps = 30;
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-quality-'));
  try {
    // The server's synthetic picture with the bench's frame code, as viewers see it.
    const scene = createScene('moving', w, h, fps);
    const frames: Uint8Array[] = [];
    const src = path.join(dir, 'src.rgb');
    const fd = openSync(src, 'w');
    for (let i = 0; i < o.frames; i++) {
      const f = new Uint8Array(w * h * 3);
      scene.render(i, f);
      drawFrameCode(f, w, h, Math.round((i * 1000) / fps));
      writeSync(fd, f);
      frames.push(f);
    }
    closeSync(fd);
    const seconds = o.frames / fps;
    const rows: QualityRow[] = [];
    for (const kbps of o.bitrates) {
      o.log(`  H.264 ${kbps} kbit/s`);
      const stream = await encodeH264(frames, w, h, fps, kbps);
      const dec = path.join(dir, `h264-${kbps}.rgb`);
      const r = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-f', 'h264', '-i', 'pipe:0',
        '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-y', dec], { input: stream });
      if (r.status !== 0) throw new Error(`ffmpeg decode failed: ${r.stderr}`);
      if (readFileSync(dec).length !== w * h * 3 * o.frames) throw new Error('decoded frame count differs');
      const s = ssim(dec, src, w, h);
      rows.push({ codec: 'h264', setting: kbps, bytes_per_s: Math.round(stream.length / seconds), ssim_y: s.y, ssim_all: s.all });
    }
    for (const q of o.jpegQualities) {
      o.log(`  JPEG q${q}`);
      const dec = path.join(dir, `jpeg-${q}.rgb`);
      const dfd = openSync(dec, 'w');
      let bytes = 0;
      for (const f of frames) {
        const jpeg = await sharp(f, { raw: { width: w, height: h, channels: 3 } }).jpeg(realtimeJpeg(q)).toBuffer();
        bytes += jpeg.length;
        writeSync(dfd, await sharp(jpeg).raw().toBuffer());
      }
      closeSync(dfd);
      const s = ssim(dec, src, w, h);
      rows.push({ codec: 'mjpeg', setting: q, bytes_per_s: Math.round(bytes / seconds), ssim_y: s.y, ssim_all: s.all });
    }
    return { frames: o.frames, width: w, height: h, fps, rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
