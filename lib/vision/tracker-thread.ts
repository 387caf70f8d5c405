// The tracker's thread (entry: workers/tracker.ts). It owns the tracking
// session and reads frames straight from the raw ring; only frame numbers,
// boxes and outputs cross threads. One frame at a time: the main thread
// never sends the next before the answer to the last (newest frame wins
// there). A result computed on a frame the camera overwrote meanwhile is
// discarded, never reported.

import type { MessagePort } from 'node:worker_threads';
import { RawRing } from '../bus/raw-ring.js';
import { RingFrameReader } from './ring-frame-reader.js';
import { TrackingSession, type SessionStatus } from './tracking-session.js';
import { createTracker } from './tracker-catalog.js';
import { copyOutput, type TrackerOutput } from './tracker-output.js';
import type { PixelBox } from './types.js';

export interface TrackerThreadData {
  sab: SharedArrayBuffer;
}

export type TrackerRequest =
  | { type: 'start'; seq: number; box: PixelBox; tracker: string }
  | { type: 'frame'; seq: number }
  | { type: 'stop' };

export type TrackerReply =
  | { type: 'ready' }
  | { type: 'started'; seq: number; output: TrackerOutput }
  | { type: 'start-failed'; seq: number; reason: string }
  | { type: 'output'; seq: number; output: TrackerOutput; status: SessionStatus; ms: number }
  /** The frame was gone (lapped) before or while it was processed: nothing to report. */
  | { type: 'torn'; seq: number };

export function runTrackerThread(data: TrackerThreadData, port: Pick<MessagePort, 'postMessage' | 'on'>): void {
  const ring = RawRing.attach(data.sab);
  const reader = new RingFrameReader(ring);
  let session: TrackingSession | null = null;
  const reply = (m: TrackerReply) => port.postMessage(m);

  const handle = async (m: TrackerRequest): Promise<void> => {
    if (m.type === 'stop') {
      session?.stop();
      session = null;
      return;
    }
    const frame = await reader.read(m.seq);
    if (m.type === 'start') {
      if (!frame) return reply({ type: 'start-failed', seq: m.seq, reason: 'the frame is no longer in the ring' });
      try {
        const s = new TrackingSession(createTracker(m.tracker));
        const out = s.start(frame, m.box, reader.captureSeconds(m.seq), m.seq);
        if (!reader.stillValid(m.seq)) return reply({ type: 'start-failed', seq: m.seq, reason: 'the camera overwrote the frame while the tracker read it' });
        session = s;
        return reply({ type: 'started', seq: m.seq, output: copyOutput(out) });
      } catch (err) {
        return reply({ type: 'start-failed', seq: m.seq, reason: (err as Error).message });
      }
    }
    if (!frame || !session) return reply({ type: 'torn', seq: m.seq });
    const t0 = performance.now();
    const out = session.process(frame, reader.captureSeconds(m.seq), m.seq);
    const ms = performance.now() - t0;
    if (!reader.stillValid(m.seq)) return reply({ type: 'torn', seq: m.seq });
    reply({ type: 'output', seq: m.seq, output: copyOutput(out), status: session.status, ms });
  };

  // Requests are handled strictly in order: a start must finish before the next frame is tracked.
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (m: TrackerRequest) => {
    chain = chain.then(() => handle(m)).catch((err: Error) => reply({ type: 'start-failed', seq: -1, reason: err.message }));
  });
  reply({ type: 'ready' });
}
