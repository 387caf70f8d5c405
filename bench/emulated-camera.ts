// The emulated V4L2 MJPEG camera for the passthrough scenario: the test
// suite's LD_PRELOAD shim (test/fixtures/fake-v4l2.c) serving JPEGs of the
// synthetic scene, encoded as a camera would (q85, baseline 4:2:0), so the
// passthrough and re-encode rows move realistic frames.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { realtimeJpeg, SyntheticScene } from '../lib/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const shimSource = path.resolve(here, '../../test/fixtures/fake-v4l2.c');
export const EMULATED_DEVICE = '/dev/video-skyfeed-test';
/** Distinct frames the camera cycles through (one second at 30 fps). */
const FRAMES = 30;

const cache = new Map<string, NodeJS.ProcessEnv>();

/** Builds the shim and the frames once per size; returns the server's environment. */
export async function emulatedCameraEnv(width: number, height: number): Promise<NodeJS.ProcessEnv> {
  const key = `${width}x${height}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-bench-cam-'));
  const shim = path.join(dir, 'fake-v4l2.so');
  const cc = spawnSync('cc', ['-shared', '-fPIC', '-O2', '-o', shim, shimSource, '-ldl', '-lpthread'], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`building the emulated camera failed (cc): ${cc.stderr || cc.error}`);
  const jpegDir = path.join(dir, 'jpegs');
  mkdirSync(jpegDir);
  const scene = new SyntheticScene(width, height);
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < FRAMES; i++) {
    scene.render(i * 4, rgb);
    const jpeg = await sharp(rgb, { raw: { width, height, channels: 3 } }).jpeg(realtimeJpeg(85)).toBuffer();
    writeFileSync(path.join(jpegDir, `frame-${String(i).padStart(3, '0')}.jpg`), jpeg);
  }
  const env = {
    ...process.env,
    LD_PRELOAD: shim,
    SKYFEED_FAKE_V4L2_PATH: EMULATED_DEVICE,
    SKYFEED_FAKE_V4L2_JPEGS: jpegDir,
    SKYFEED_FAKE_V4L2_FORMATS: 'MJPG',
  };
  cache.set(key, env);
  return env;
}
