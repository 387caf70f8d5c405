// The synthetic camera's capture loop, run in a worker thread (the thin
// entry is workers/synthetic-camera.ts). It renders into the raw ring at the
// configured rate, records each frame's ground truth in shared memory, and
// tells the main thread the new sequence number; pixels never leave the
// SharedArrayBuffer.
//
// Timing uses Atomics.wait on the ring rather than setTimeout: it wakes within
// ~0.1 ms instead of the event loop's ~1 ms granularity, which shows directly
// in capture→receive latency.

import type { MessagePort } from 'node:worker_threads';
import { RawRing, PixelFormat } from '../../bus/raw-ring.js';
import { drawFrameCode } from '../frame-code.js';
import { createScene, type SceneKind } from './scenes.js';
import { TruthHistory } from './truth-history.js';
import { CameraControl } from './camera-control.js';
import { DEFAULT_POSE, type CameraPose } from './camera-pose.js';

export interface SyntheticCameraData {
  sab: SharedArrayBuffer;
  /** 0: render whenever the consumers have taken the previous frames. */
  fps: number;
  scene: SceneKind;
  /** Ground truth ring (TruthHistory) the loop records into. */
  truthSab: SharedArrayBuffer;
  /** Pose and freeze switch (CameraControl). */
  controlSab: SharedArrayBuffer;
  /** Draw the capture time into the picture (capture/frame-code.ts). */
  frameCode: boolean;
}

/** While nobody wants frames, one frame this often keeps the source alive for health and commands. */
const IDLE_FRAME_MS = 1000;
/** How often a frozen camera looks whether it was thawed. */
const FROZEN_POLL_MS = 50;

export function runSyntheticCamera(data: SyntheticCameraData, port: Pick<MessagePort, 'postMessage'>): void {
  const { fps } = data;
  const ring = RawRing.attach(data.sab);
  // Scene time follows the camera rate, so targets move at the same speed in metres per second at any fps.
  const scene = createScene(data.scene, ring.width, ring.height, fps > 0 ? fps : 30);
  const truth = new TruthHistory(data.truthSab);
  const control = new CameraControl(data.controlSab);
  const pose: CameraPose = { ...DEFAULT_POSE };
  const epoch = () => performance.timeOrigin + performance.now();
  port.postMessage({ type: 'ready' });

  // Continue the sequence when a source is replaced (e.g. a live fps change):
  // frame ids never go backwards for the clients.
  let seq = (ring.latestSeq() + 1) & 0x7fffffff;
  const interval = fps > 0 ? 1000 / fps : 0;
  let next = performance.now();
  while (!ring.stopped()) {
    if (control.frozen()) {
      // The freeze drill: no new frame until thawed, as a hung camera would do.
      ring.sleep(FROZEN_POLL_MS);
      next = performance.now();
      continue;
    }
    if (fps === 0) {
      // Demand-paced: stay within paceAhead frames of the oldest frame being
      // encoded; rendering frames nobody will encode would only steal CPU.
      const consumed = ring.consumed();
      if (seq - consumed > ring.paceAhead()) {
        ring.waitConsumed(consumed, 50);
        continue;
      }
    }
    const p = control.poll(pose);
    if (p !== 'same') scene.setPose(p === 'pose' ? pose : null);
    const t = epoch();
    const out = ring.beginWrite(seq);
    const boxes = scene.render(seq, out);
    if (data.frameCode) drawFrameCode(out, ring.width, ring.height, t);
    // The truth first: a reader that sees the frame on the ring finds its truth.
    truth.record(seq, t / 1000, boxes);
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
}
