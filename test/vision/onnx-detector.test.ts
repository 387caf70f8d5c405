// The ONNX path end to end with a model built at test time: load →
// letterbox → inference → decode → NMS → COCO names → click selection;
// and "unavailable: why" instead of a crash for a missing package, a missing
// or corrupt model.

import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OnnxDetector } from '../../lib/vision/onnx-detector.js';
import { letterbox, LetterboxMap } from '../../lib/vision/letterbox.js';
import { selectClick } from '../../lib/vision/click-select.js';
import { constantYoloModel } from '../helpers/onnx-model.js';

const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-onnx-'));
// onnxruntime-node is optional: where it did not install, the inference tests say so instead of failing.
// (A variable module name: the build must not need the optional package either.)
const ORT = 'onnxruntime-node';
const runtime = await import(ORT).then(() => null, (e: Error) => `onnxruntime-node not installed here (${e.message.split('\n')[0]})`);
const needsRuntime = runtime ? { skip: runtime } : {};
const S = 64;
// A 128x64 frame letterboxes into 64x64 at scale 0.5 with 16 px of padding above and below.
const FW = 128;
const FH = 64;
const frame = { data: new Uint8Array(FW * FH * 3).fill(200), width: FW, height: FH };

/** YOLOv8 layout [1, 84, N]: per anchor cx, cy, w, h (input pixels) then 80 class scores. */
function prediction(anchors: { cx: number; cy: number; w: number; h: number; cls: number; score: number }[]): Float32Array {
  const n = anchors.length;
  const p = new Float32Array(84 * n);
  anchors.forEach((a, i) => {
    p[0 * n + i] = a.cx;
    p[1 * n + i] = a.cy;
    p[2 * n + i] = a.w;
    p[3 * n + i] = a.h;
    p[(4 + a.cls) * n + i] = a.score;
  });
  return p;
}

t.test('letterbox: scaled, centred on grey padding, planar RGB in 0..1', async (t) => {
  const f = { data: new Uint8Array(FW * FH * 3), width: FW, height: FH };
  for (let i = 0; i < FW * FH; i++) { f.data[i * 3] = 255; f.data[i * 3 + 1] = 0; f.data[i * 3 + 2] = 51; }
  const out = new Float32Array(3 * S * S);
  const map: LetterboxMap = { size: 0, scale: 0, padX: 0, padY: 0 };
  letterbox(f, S, out, map);
  t.same(map, { size: S, scale: 0.5, padX: 0, padY: 16 });
  t.ok(Math.abs(out[0] - 114 / 255) < 1e-6, 'top padding grey');
  const at = (ch: number, x: number, y: number) => out[ch * S * S + y * S + x];
  t.ok(Math.abs(at(0, 10, 30) - 1) < 1e-6 && Math.abs(at(1, 10, 30)) < 1e-6 && Math.abs(at(2, 10, 30) - 0.2) < 1e-6, 'image pixel R=1 G=0 B=0.2');
  t.ok(Math.abs(at(2, 10, 50) - 114 / 255) < 1e-6, 'bottom padding grey');
});

t.test('load → letterbox → inference → NMS → names → selection', needsRuntime, async (t) => {
  const pred = prediction([
    { cx: 32, cy: 32, w: 20, h: 10, cls: 2, score: 0.9 }, // car in the middle
    { cx: 33, cy: 32, w: 20, h: 10, cls: 2, score: 0.6 }, // the same car, weaker: NMS drops it
    { cx: 33, cy: 32, w: 20, h: 10, cls: 0, score: 0.5 }, // a person at the same place: another class, kept
    { cx: 10, cy: 30, w: 6, h: 6, cls: 0, score: 0.2 }, // under the 0.3 confidence
  ]);
  const file = path.join(dir, 'tiny.onnx');
  writeFileSync(file, constantYoloModel(pred, [1, 84, 4], S));
  const d = await OnnxDetector.load({ modelPath: file });
  t.teardown(() => d.close());
  t.match(d.status, { available: true, input: 'images', input_size: S }, 'loaded, input size from the model');
  const found = await d.detect(frame);
  t.match(d.status, { available: true, layout: 'yolov8', classes: 80 });
  t.equal(found.length, 2, JSON.stringify(found));
  const car = found.find((x) => x.class_name === 'car')!;
  t.ok(car, 'COCO name for class 2');
  t.equal(car.class_id, 2);
  t.ok(Math.abs(car.score - 0.9) < 1e-6);
  // Input box (22..42, 27..37) → frame: x = 22/0.5 = 44, y = (27 − 16)/0.5 = 22, w = 40, h = 20.
  t.same(car.bbox.map((v) => Math.round(v * 100) / 100), [44, 22, 40, 20]);
  t.ok(found.some((x) => x.class_name === 'person'), 'another class at the same place survives NMS');
  // Selecting by click: inside both, the smaller (equal areas here → the first, the car).
  const sel = selectClick(60, 30, found.map((detection) => ({ detection, t: 1 })), { width: FW, height: FH, now: 1, following: false });
  t.equal(sel.status, 'selected');
  t.ok(sel.status === 'selected' && sel.rule === 'inside');
  await d.close();
  await d.close();
  t.same(await d.detect(frame), [], 'closed: nothing, no throw');
});

t.test('YOLOv5 layout [1, N, 85] with objectness', needsRuntime, async (t) => {
  const n = 2;
  const p = new Float32Array(n * 85);
  p.set([32, 32, 20, 10, 0.8], 0);
  p[5 + 7] = 0.9; // truck, 0.72 after objectness
  p.set([10, 30, 6, 6, 0.2], 85);
  p[85 + 5] = 1; // objectness 0.2: dropped
  const file = path.join(dir, 'v5.onnx');
  writeFileSync(file, constantYoloModel(p, [1, n, 85], S));
  const d = await OnnxDetector.load({ modelPath: file });
  t.teardown(() => d.close());
  const found = await d.detect(frame);
  t.equal(found.length, 1);
  t.equal(found[0].class_name, 'truck');
  t.ok(Math.abs(found[0].score - 0.72) < 1e-6);
  t.match(d.status, { layout: 'yolov5' });
});

t.test('missing package, missing or corrupt model: unavailable with the reason, no throw', needsRuntime, async (t) => {
  const noPkg = await OnnxDetector.load({ modelPath: path.join(dir, 'tiny.onnx'), runtimeModule: 'onnxruntime-node-not-installed' });
  t.match(noPkg.status, { available: false, why: /package onnxruntime-node-not-installed is not installed.*ONNXRUNTIME_NODE_INSTALL=skip/ });
  t.same(await noPkg.detect(frame), []);
  const noFile = await OnnxDetector.load({ modelPath: path.join(dir, 'nope.onnx') });
  t.match(noFile.status, { available: false, why: /does not load/ });
  const junk = path.join(dir, 'junk.onnx');
  writeFileSync(junk, Buffer.from('not a model at all'));
  t.match((await OnnxDetector.load({ modelPath: junk })).status, { available: false, why: /does not load/ });
  t.match((await OnnxDetector.load({ modelPath: '' })).status, { available: false, why: /no model path/ });
  // A model whose output is not a YOLO tensor: unavailable after the first call.
  const odd = path.join(dir, 'odd.onnx');
  writeFileSync(odd, constantYoloModel(new Float32Array(6), [6], S));
  const d = await OnnxDetector.load({ modelPath: odd });
  t.teardown(() => d.close());
  t.same(await d.detect(frame), []);
  t.match(d.status, { available: false, why: /is not a YOLO float tensor/ });
});
