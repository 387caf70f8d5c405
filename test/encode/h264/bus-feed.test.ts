// The H.264 feed draws the OSD on the encoder's own copy of each frame: the
// stream ffmpeg encodes shows it (decoded back here by an independent
// ffmpeg), the ring slots the frames came from still hold the camera's
// picture, and with the preset off nothing is drawn.

import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FrameBus } from '../../../lib/bus/frame-bus.js';
import { PixelFormat } from '../../../lib/bus/raw-ring.js';
import { H264BusFeed } from '../../../lib/encode/h264/bus-feed.js';
import { H264Encoder } from '../../../lib/encode/h264/h264-encoder.js';
import type { OsdPreset, OsdSource, OsdTrack } from '../../../lib/encode/osd/osd-state.js';
import { ffmpeg, hasCommand, FFMPEG_MISSING } from '../../helpers/tools.js';
import { waitFor } from '../../helpers/wait.js';

if (!hasCommand('ffmpeg')) throw new Error(FFMPEG_MISSING);

const W = 320;
const H = 240;
const BG = 77;
const FRAME = W * H * 3;
const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-osd-h264-'));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const TRACK: OsdTrack = {
  bbox: [100, 60, 60, 40], predicted_bbox: null, target_state: 'measured', tracker_id: 'CSRT', velocity: null, confidence: 0.9,
  appearance_score: 0.9, motion_score: 0.9, loss_reason: null, frames_lost: 0, frame_id: 0, usable_for_following: true,
};

/**
 * Publishes `frames` flat grey frames through a real bus into a real
 * encoder via the feed; returns the last decoded picture and the ring.
 */
async function run(t: { teardown(fn: () => unknown): void; ok(v: unknown, m: string): void }, preset: OsdPreset | null): Promise<{ rgb: Buffer; bus: FrameBus; feed: H264BusFeed }> {
  const bus = new FrameBus({ slots: 4, width: W, height: H, slotBytes: FRAME });
  const enc = new H264Encoder({ width: W, height: H, fps: 30, gop: 10, framing: 'annexb', log: () => {} });
  t.teardown(() => enc.close());
  const units: Buffer[] = [];
  enc.onAccessUnit((au) => units.push(Buffer.from(au.data)));
  const osd: OsdSource = { state: (ms) => ({ track: { ...TRACK }, following: true, timeS: ms / 1000 }), preset: () => preset };
  const feed = new H264BusFeed(bus, enc, 30, () => true, osd);
  bus.subscribe(feed);
  enc.start();
  await waitFor(() => enc.state === 'running', 'the encoder to run', 10000);
  // Frames at 30 fps until the encoder has taken enough of them (a starved
  // ffmpeg takes few: the rest are skipped as busy, which is the design).
  const t0 = Date.now();
  const end = performance.now() + 15000;
  for (let seq = 0; feed.counters.pushed < 8 || units.length < 5; seq++) {
    if (performance.now() > end) throw new Error(`the encoder took too few frames: ${units.length} units, ${JSON.stringify(feed.counters)}`);
    const slot = bus.ring.beginWrite(seq);
    slot.fill(BG, 0, FRAME);
    bus.ring.commitWrite(seq, FRAME, PixelFormat.RGB24, t0 + seq * 34);
    bus.publish(seq);
    await sleep(34);
  }
  // Annex B holds the newest unit until the next starts: stop flushes it.
  await enc.stop();
  const h264 = path.join(dir, `${preset ?? 'off'}.h264`);
  const raw = path.join(dir, `${preset ?? 'off'}.rgb`);
  writeFileSync(h264, Buffer.concat(units));
  ffmpeg(['-f', 'h264', '-i', h264, '-f', 'rawvideo', '-pix_fmt', 'rgb24', raw]);
  const all = readFileSync(raw);
  t.ok(all.length >= FRAME && all.length % FRAME === 0, `${all.length / FRAME} frames decoded`);
  return { rgb: all.subarray(all.length - FRAME), bus, feed };
}

const at = (rgb: Uint8Array, x: number, y: number): number[] => [...rgb.subarray((y * W + x) * 3, (y * W + x) * 3 + 3)];

t.test('the OSD is in the encoded stream; the ring slots are not drawn on', async (t) => {
  const { rgb, bus, feed } = await run(t, 'minimal');
  t.ok(feed.counters.pushed >= 8, `${feed.counters.pushed} frames pushed`);
  // Centre crosshair at 320x240: arms of 10 px after a 2 px gap, rows 119-120.
  for (const [x, y] of [[150, 119], [155, 120], [165, 119], [159, 110], [160, 130]]) {
    t.ok(Math.min(...at(rgb, x, y)) >= 190, `crosshair pixel ${x},${y} is white (${at(rgb, x, y)})`);
  }
  // The following colour (255, 40, 40) on the box's top-left bracket, 3 px outside [100,60 60x40].
  for (const [x, y] of [[99, 57], [102, 58], [97, 60], [98, 63]]) {
    const [r, g, b] = at(rgb, x, y);
    t.ok(r >= 150 && r - g >= 60 && r - b >= 60, `bracket pixel ${x},${y} is red (${r},${g},${b})`);
  }
  const [r, g, b] = at(rgb, 20, 200);
  t.ok(Math.abs(r - BG) < 8 && Math.abs(g - BG) < 8 && Math.abs(b - BG) < 8, `away from the OSD the picture is the camera's (${r},${g},${b})`);
  for (let slot = 0; slot < 4; slot++) {
    const v = bus.ring.view(slot).subarray(0, FRAME);
    t.ok(v.every((x) => x === BG), `ring slot ${slot} still holds the camera's grey`);
  }
});

t.test('with the preset off nothing is drawn', async (t) => {
  const { rgb } = await run(t, null);
  for (const [x, y] of [[150, 119], [99, 57]]) {
    const [r, g, b] = at(rgb, x, y);
    t.ok(Math.abs(r - BG) < 8 && Math.abs(g - BG) < 8 && Math.abs(b - BG) < 8, `pixel ${x},${y} is the camera's grey (${r},${g},${b})`);
  }
});
