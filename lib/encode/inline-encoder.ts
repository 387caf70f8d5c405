// JPEG encodes on the event-loop thread, one at a time, as a plain Node
// server would encode: the benchmark's ablation (it injects this encoder),
// never the server's own configuration.

import type { JpegEncoder } from './jpeg-encoder.js';
import type { EncodeResult, EncodeTask, EncodeWorkerData } from './messages.js';
import type { EncodeFn } from './encode-step.js';

export class InlineEncoder implements JpegEncoder {
  readonly concurrency = 1;
  readonly restarts = 0;
  readonly threads = [];
  #encode: EncodeFn | null = null;

  async start(data: EncodeWorkerData): Promise<void> {
    // Imported only here: with the pool, the main thread never loads sharp.
    const { createEncoder } = await import('./encode-step.js');
    this.#encode ??= await createEncoder(data);
  }

  run(task: EncodeTask): Promise<EncodeResult> {
    return this.#encode ? this.#encode(task) : Promise.reject(new Error('encoder not started'));
  }

  async close(): Promise<void> {
    this.#encode = null;
  }
}
