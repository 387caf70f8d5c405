// Capture thread of the synthetic camera. It renders into the raw ring at the
// configured rate and tells the main thread the new sequence number; pixels
// never leave the SharedArrayBuffer.
//
// Timing uses Atomics.wait on the ring rather than setTimeout: it wakes within
// ~0.1 ms instead of the event loop's ~1 ms granularity, which shows directly
// in capture→receive latency.

import { parentPort, workerData } from 'node:worker_threads';
import { RawRing, PixelFormat } from '../lib/bus/raw-ring.js';
import { drawFrameCode } from '../lib/capture/frame-code.js';
import { SyntheticScene } from './synthetic-scene.js';

export interface SyntheticCameraData {
  sab: SharedArrayBuffer;
  fps: number; // 0: render whenever the consumer has taken the previous frames
  still: boolean;
  /** Draw the capture time into the picture (lib/capture/frame-code.ts). */
  frameCode: boolean;
}

/** While nobody wants frames, one frame this often keeps the source alive for health and commands. */
const IDLE_FRAME_MS = 1000;

const { sab, fps, still, frameCode } = workerData as SyntheticCameraData;
const ring = RawRing.attach(sab);
const scene = new SyntheticScene(ring.width, ring.height);
const epoch = () => performance.timeOrigin + performance.now();
const port = parentPort!;

port.postMessage({ type: 'ready' });

// Continue the sequence when a source is replaced (e.g. a live fps change):
// frame ids never go backwards for the clients.
let seq = (ring.latestSeq() + 1) & 0x7fffffff;
const interval = fps > 0 ? 1000 / fps : 0;
let next = performance.now();
while (!ring.stopped()) {
  if (fps === 0) {
    // Demand-paced: stay within paceAhead frames of the oldest frame being
    // encoded; rendering frames nobody will encode would only steal CPU.
    const consumed = ring.consumed();
    if (seq - consumed > ring.paceAhead()) {
      ring.waitConsumed(consumed, 50);
      continue;
    }
  }
  const t = epoch();
  const out = ring.beginWrite(seq);
  scene.render(seq, out, still);
  if (frameCode) drawFrameCode(out, ring.width, ring.height, t);
  ring.commitWrite(seq, scene.frameBytes, PixelFormat.RGB24, t);
  port.postMessage(seq);
  seq = (seq + 1) & 0x7fffffff;
  if (fps === 0) continue;
  if (!ring.demanded()) {
    // Nobody on the frame bus wants frames: idle until someone does, with
    // one frame a second so health and "has a frame" stay true.
    ring.waitDemand(IDLE_FRAME_MS);
    next = performance.now();
    continue;
  }
  next += interval;
  // After a stall (debugger, overloaded machine) do not burst to catch up.
  if (performance.now() - next > interval * 4) next = performance.now() + interval;
  const wait = next - performance.now();
  if (wait > 0) ring.sleep(wait);
}
port.postMessage({ type: 'stopped' });
