// One opened V4L2 device as a live session. The capture loop runs in a worker
// thread (lib/capture/v4l2-capture-loop.ts) that writes straight into the raw ring;
// the main thread only receives sequence numbers.

import { Worker } from 'node:worker_threads';
import type { RawRing } from '../bus/raw-ring.js';
import { SourceUnavailable, type LiveSession, type SessionEvents } from './live-session.js';
import { loadV4l2Addon } from './v4l2-addon.js';
import type { V4l2CaptureData, V4l2CaptureOptions } from './v4l2-capture-loop.js';

export type V4l2SessionOptions = V4l2CaptureOptions;

const workerUrl = new URL('../../workers/v4l2-capture.js', import.meta.url);
/** The thread sees the stop flag within one poll timeout; terminate is the backstop. */
const TERMINATE_AFTER_MS = 1500;

type WorkerMsg = number | { type: 'ready'; format: string } | { type: 'error'; message: string; code?: string; permanent: boolean };

export class V4l2Session implements LiveSession {
  readonly #o: V4l2SessionOptions;
  readonly #stop = new Int32Array(new SharedArrayBuffer(4));
  #worker: Worker | null = null;
  #exited: Promise<void> = Promise.resolve();
  #format = '';
  #stopping = false;

  constructor(o: V4l2SessionOptions) {
    this.#o = o;
    // Fail here, with the reason, when the addon was not built.
    loadV4l2Addon();
  }

  describe(): string {
    return `${this.#format} from ${this.#o.device}`;
  }

  start(ring: RawRing, events: SessionEvents): Promise<void> {
    const data: V4l2CaptureData = { sab: ring.sab, stopSab: this.#stop.buffer as SharedArrayBuffer, ...this.#o };
    const worker = new Worker(workerUrl, { workerData: data });
    this.#worker = worker;
    this.#exited = new Promise((r) => worker.once('exit', () => r()));
    return new Promise((resolve, reject) => {
      let ready = false;
      let reported = false;
      const lose = (err: Error) => {
        if (reported || this.#stopping) return;
        reported = true;
        if (ready) events.lost(err);
        else reject(err);
      };
      worker.on('message', (msg: WorkerMsg) => {
        if (typeof msg === 'number') {
          if (!this.#stopping) events.frame(msg);
        } else if (msg.type === 'ready') {
          ready = true;
          this.#format = msg.format;
          resolve();
        } else if (msg.type === 'error') {
          const text = `${this.#o.device}: ${msg.message}`;
          lose(msg.permanent ? new SourceUnavailable(text) : new Error(text));
        }
      });
      worker.on('error', (err) => lose(err));
      worker.on('exit', (code) => lose(new Error(`${this.#o.device}: capture thread ended (code ${code})`)));
    });
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    const worker = this.#worker;
    if (!worker) return;
    Atomics.store(this.#stop, 0, 1);
    const timer = setTimeout(() => void worker.terminate(), TERMINATE_AFTER_MS);
    await this.#exited;
    clearTimeout(timer);
  }
}
