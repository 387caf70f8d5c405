#!/usr/bin/env node
// OSD cost per frame, per preset: what an encode worker adds to a frame when
// osd.enabled is on. That is one copy of the frame out of its ring slot
// (the OSD is never drawn into the ring) plus the drawing; the hash and the
// JPEG encode that follow cost the same with or without it. Frames come from
// the synthetic scene; the state moves a tracked box across the frame with
// three detections (drawn by professional and debug) and advances the clock
// by one frame interval each time, so the time string is rebuilt once a
// second as it is live. Target: ≤ 1 ms per 640x480 frame.
//
// usage: node dist/bench/osd-cost.js [WIDTH HEIGHT FRAMES]   (default 640 480 500)
// Prints one line per preset and a JSON line.

import { createScene, OsdRenderer, OSD_PRESETS, type OsdState, type OsdTrack } from '../lib/index.js';

const [width, height, frames] = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [640, 480, 500];
if (![width, height, frames].every((n) => Number.isInteger(n) && n > 0)) {
  console.error('usage: osd-cost [WIDTH HEIGHT FRAMES] (positive integers)');
  process.exit(2);
}

const scene = createScene('moving', width, height);
const slot = new Uint8Array(scene.frameBytes);
scene.render(0, slot);
const copy = new Uint8Array(scene.frameBytes);

function stateAt(i: number): OsdState {
  const x = 40 + ((i * 3) % (width - 200));
  const track: OsdTrack = {
    bbox: [x, height / 3, 120, 80], predicted_bbox: [x + 4, height / 3 + 2, 120, 80], target_state: i % 50 < 45 ? 'measured' : 'prediction_only',
    tracker_id: 'CSRT', velocity: { vx: 90, vy: 10 }, confidence: 0.87, appearance_score: 0.91, motion_score: 0.95,
    loss_reason: null, frames_lost: 0, frame_id: i, usable_for_following: true,
  };
  return {
    track, following: true, followerProfile: 'chase', timeS: 1_764_000_000 + i / 30, fps: 29.8,
    detections: [
      { bbox: [x, height / 3, 120, 80], class_name: 'car', score: 0.91, target_id: 1, is_selected: true },
      { bbox: [width - 150, 40, 60, 90], class_name: 'person', score: 0.74, target_id: 2 },
      { bbox: [60, height - 140, 90, 60], class_name: 'truck', score: 0.66, target_id: 3 },
    ],
  };
}

// States built before timing: the provider's object is not the OSD's cost.
const states = Array.from({ length: frames }, (_, i) => stateAt(i));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}
function p99(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))];
}

const out: Record<string, { copy_draw_median_ms: number; copy_draw_p99_ms: number; draw_median_ms: number; draw_p99_ms: number }> = {};
for (const preset of OSD_PRESETS) {
  const osd = new OsdRenderer(width, height, preset);
  // Warm-up: JIT and the first string builds.
  for (let i = 0; i < 50; i++) {
    copy.set(slot);
    osd.draw(copy, states[i % frames]);
  }
  const both: number[] = [];
  const draw: number[] = [];
  for (let i = 0; i < frames; i++) {
    const t0 = performance.now();
    copy.set(slot);
    const t1 = performance.now();
    osd.draw(copy, states[i]);
    const t2 = performance.now();
    both.push(t2 - t0);
    draw.push(t2 - t1);
  }
  out[preset] = { copy_draw_median_ms: median(both), copy_draw_p99_ms: p99(both), draw_median_ms: median(draw), draw_p99_ms: p99(draw) };
  const r = out[preset];
  console.log(`${preset.padEnd(12)} copy+draw median ${r.copy_draw_median_ms.toFixed(3)} ms (p99 ${r.copy_draw_p99_ms.toFixed(3)}), `
    + `draw alone median ${r.draw_median_ms.toFixed(3)} ms (p99 ${r.draw_p99_ms.toFixed(3)})  [${width}x${height}, ${frames} frames]`);
}
console.log(JSON.stringify({ width, height, frames, presets: out }));
