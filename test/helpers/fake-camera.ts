// Builds the emulated V4L2 camera (test/fixtures/fake-v4l2.c, an LD_PRELOAD
// shim) with the system C compiler and writes the JPEG frames it serves.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The C source, from dist/test/helpers back to the repository. */
export const shimSource = path.resolve(here, '../../../test/fixtures/fake-v4l2.c');
export const FAKE_DEVICE = '/dev/video-skyfeed-test';
/** A COM segment in every camera JPEG: proves a served frame is the camera's own bytes. */
export const CAMERA_TAG = 'skyfeed-fake-camera';

export interface FakeCamera {
  dir: string;
  shim: string;
  jpegDir: string;
  unplugFile: string;
  frames: Buffer[];
  /** Environment for a process that should see the camera. */
  env(formats?: string): NodeJS.ProcessEnv;
}

/** Compiles the shim; throws with the compiler's output on failure. */
export function buildShim(out: string): void {
  const r = spawnSync('cc', ['-shared', '-fPIC', '-O2', '-o', out, shimSource, '-ldl', '-lpthread'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cc failed: ${r.stderr || r.error}`);
}

function withComment(jpeg: Buffer, text: string): Buffer {
  const body = Buffer.from(text, 'latin1');
  const seg = Buffer.alloc(4 + body.length);
  seg[0] = 0xff;
  seg[1] = 0xfe;
  seg.writeUInt16BE(body.length + 2, 2);
  body.copy(seg, 4);
  return Buffer.concat([jpeg.subarray(0, 2), seg, jpeg.subarray(2)]);
}

export async function makeFakeCamera(width: number, height: number, count = 6): Promise<FakeCamera> {
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-v4l2-'));
  const shim = path.join(dir, 'fake-v4l2.so');
  buildShim(shim);
  const jpegDir = path.join(dir, 'jpegs');
  mkdirSync(jpegDir);
  const frames: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    // Colourful, different frames: a hue per frame plus a moving square.
    const bg = { r: (60 + i * 40) % 256, g: 200 - i * 20, b: (i * 70) % 256 };
    const square = await sharp({ create: { width: width >> 2, height: height >> 2, channels: 3, background: { r: 255, g: 255, b: 0 } } }).png().toBuffer();
    const jpeg = await sharp({ create: { width, height, channels: 3, background: bg } })
      .composite([{ input: square, left: (i * (width >> 3)) % (width - (width >> 2)), top: height >> 2 }])
      .jpeg({ quality: 80 })
      .toBuffer();
    const tagged = withComment(jpeg, `${CAMERA_TAG} ${i}`);
    frames.push(tagged);
    writeFileSync(path.join(jpegDir, `frame-${String(i).padStart(3, '0')}.jpg`), tagged);
  }
  const unplugFile = path.join(dir, 'unplugged');
  return {
    dir, shim, jpegDir, unplugFile, frames,
    env: (formats = 'MJPG,YUYV') => ({
      ...process.env,
      LD_PRELOAD: shim,
      SKYFEED_FAKE_V4L2_PATH: FAKE_DEVICE,
      SKYFEED_FAKE_V4L2_JPEGS: jpegDir,
      SKYFEED_FAKE_V4L2_FORMATS: formats,
      SKYFEED_FAKE_V4L2_UNPLUG: unplugFile,
    }),
  };
}
