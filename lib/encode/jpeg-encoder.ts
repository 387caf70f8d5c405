// Where JPEG encodes run, behind one interface: the self-healing worker pool
// (the design) or the event-loop thread (the benchmark's ablation, to show
// what the pool buys). The scheduler neither knows nor cares which.

import type { EncodeResult, EncodeTask, EncodeWorkerData } from './messages.js';

export interface JpegEncoder {
  /** Encodes that may run at once; the scheduler never hands out more. */
  readonly concurrency: number;
  /** Prepares the encoder for the rings in `data` (starts threads, warms libvips). */
  start(data: EncodeWorkerData): Promise<void>;
  /** One task; rejects with StalledTask when it was lost, with the worker's error otherwise. */
  run(task: EncodeTask): Promise<EncodeResult>;
  /** Times the encoder replaced its threads after losing work or threads. */
  readonly restarts: number;
  /** Its threads (fault-injection tests terminate one); none for the inline encoder. */
  readonly threads: readonly { terminate(): Promise<number> }[];
  close(): Promise<void>;
}

/** A task that neither finished nor failed in time: written off. */
export class StalledTask extends Error {
  override name = 'StalledTask';
}

/** Makes the encoder a server uses; `encodeWorkers` is pipeline.workers resolved (0 = per core). */
export type JpegEncoderFactory = (encodeWorkers: number) => JpegEncoder;
