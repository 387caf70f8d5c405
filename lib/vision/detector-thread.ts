// Smart mode's thread (entry: workers/detector.ts): the low-rate detector
// (the built-in contrast detector, or a YOLO-family ONNX model when
// smart.model_path names one and onnxruntime-node loads it) and the click
// selection, which segments at the click on the frame itself. Frames are
// read from the raw ring; only numbers, boxes and results cross threads.

import type { MessagePort } from 'node:worker_threads';
import { RawRing } from '../bus/raw-ring.js';
import type { ClickSelection } from './click-select.js';
import { ContrastDetector } from './contrast-detector.js';
import { OnnxDetector, type OnnxStatus } from './onnx-detector.js';
import { RingFrameReader } from './ring-frame-reader.js';
import { SmartClick } from './smart-click.js';
import type { AsyncDetector, Detection, Detector } from './types.js';

export interface DetectorThreadData {
  sab: SharedArrayBuffer;
  /** smart.model_path; empty: the built-in contrast detector. */
  modelPath: string;
}

export type DetectorRequest =
  | { type: 'detect'; seq: number }
  | { type: 'click'; id: number; seq: number; x: number; y: number; following: boolean };

/** What the thread runs, for /api/tracker/schema and smart mode's answers. */
export interface DetectorInfo {
  detector: string;
  /** The ONNX model's state when one is configured (why it is not used, if not). */
  onnx: OnnxStatus | null;
}

export type DetectorReply =
  | { type: 'ready'; info: DetectorInfo }
  | { type: 'detections'; seq: number; t: number; detections: Detection[]; ms: number }
  | { type: 'torn'; seq: number }
  | { type: 'click'; id: number; selection: ClickSelection | null; reason: string | null; ms: number };

export async function runDetectorThread(data: DetectorThreadData, port: Pick<MessagePort, 'postMessage' | 'on'>): Promise<void> {
  const ring = RawRing.attach(data.sab);
  const reader = new RingFrameReader(ring);
  const click = new SmartClick();
  let detector: Detector | AsyncDetector = new ContrastDetector();
  let onnx: OnnxStatus | null = null;
  if (data.modelPath) {
    const d = await OnnxDetector.load({ modelPath: data.modelPath });
    onnx = d.status;
    // A model that does not load leaves the built-in detector in charge, and says why.
    if (d.status.available) detector = d;
  }
  const reply = (m: DetectorReply) => port.postMessage(m);

  const handle = async (m: DetectorRequest): Promise<void> => {
    const frame = await reader.read(m.seq);
    const t = reader.captureSeconds(m.seq);
    if (m.type === 'click') {
      if (!frame) return reply({ type: 'click', id: m.id, selection: null, reason: 'the frame is no longer in the ring', ms: 0 });
      const t0 = performance.now();
      const r = click.click(frame, m.x, m.y, t, m.following);
      const ms = performance.now() - t0;
      if (!reader.stillValid(m.seq)) return reply({ type: 'click', id: m.id, selection: null, reason: 'the camera overwrote the frame', ms });
      return reply({ type: 'click', id: m.id, selection: r.selection, reason: null, ms });
    }
    if (!frame) return reply({ type: 'torn', seq: m.seq });
    const t0 = performance.now();
    const detections = await detector.detect(frame);
    const ms = performance.now() - t0;
    if (!reader.stillValid(m.seq)) return reply({ type: 'torn', seq: m.seq });
    click.addDetections(detections, t);
    reply({ type: 'detections', seq: m.seq, t, detections, ms });
  };

  let chain: Promise<void> = Promise.resolve();
  port.on('message', (m: DetectorRequest) => {
    chain = chain.then(() => handle(m)).catch((err: Error) => {
      if (m.type === 'click') reply({ type: 'click', id: m.id, selection: null, reason: err.message, ms: 0 });
      else reply({ type: 'torn', seq: m.seq });
    });
  });
  reply({ type: 'ready', info: { detector: detector.name, onnx } });
}
