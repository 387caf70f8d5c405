#!/usr/bin/env node
// Encode-settings micro-benchmark, run as its own process by the bench:
// the engine's realtime JPEG settings (lib/encode/jpeg-options.ts) against
// sharp's defaults, on frames of the synthetic scene, one libvips thread, as
// one encode worker runs them. Prints one JSON line.
//
// usage: node encode-settings.js WIDTH HEIGHT QUALITY FRAMES

import sharp, { type JpegOptions } from 'sharp';
import { realtimeJpeg, SyntheticScene } from '../lib/index.js';

const [width, height, quality, frames] = process.argv.slice(2).map(Number);
sharp.concurrency(1);
sharp.cache(false);

const scene = new SyntheticScene(width, height);
// A handful of distinct frames, rendered before timing starts.
const pics = Array.from({ length: 8 }, (_, i) => {
  const out = new Uint8Array(scene.frameBytes);
  scene.render(i * 7, out);
  return out;
});
const raw = { raw: { width, height, channels: 3 as const } };

async function time(opts: JpegOptions): Promise<{ ms_per_encode: number; cpu_ms_per_encode: number; bytes: number }> {
  // Warm-up: first calls load codecs and fill caches.
  for (let i = 0; i < 3; i++) await sharp(pics[i], raw).jpeg(opts).toBuffer();
  let bytes = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < frames; i++) bytes += (await sharp(pics[i % pics.length], raw).jpeg(opts).toBuffer()).length;
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms_per_encode: ms / frames, cpu_ms_per_encode: (c.user + c.system) / 1000 / frames, bytes: bytes / frames };
}

const realtime = await time(realtimeJpeg(quality));
const defaults = await time({ quality });
console.log(JSON.stringify({ width, height, quality, frames, realtime, defaults }));
