// JPEG encodes in the piscina pool, with a watchdog for lost tasks: a task
// that neither resolves nor rejects (seen when a worker thread is killed
// while piscina hands it work) would hold its slots and an in-flight place
// forever and stall the stream. After TASK_TIMEOUT_MS, far above any real
// encode, it is aborted (piscina terminates the worker if it still runs it)
// and written off, and the pool, which can no longer be trusted, replaced.

import { EncodePool } from './encode-pool.js';
import { StalledTask, type JpegEncoder } from './jpeg-encoder.js';
import type { EncodeResult, EncodeTask, EncodeWorkerData } from './messages.js';

/** An encode takes ~2 ms at 640x480 and ~8 ms at 1080p; this only catches lost tasks. */
const TASK_TIMEOUT_MS = 1000;

export class PoolEncoder implements JpegEncoder {
  readonly concurrency: number;
  #pool: EncodePool | null = null;

  constructor(workers: number) {
    this.concurrency = workers;
  }

  async start(data: EncodeWorkerData): Promise<void> {
    this.#pool ??= new EncodePool(this.concurrency, data);
  }

  run(task: EncodeTask): Promise<EncodeResult> {
    const pool = this.#pool;
    if (!pool) return Promise.reject(new Error('encoder not started'));
    const abort = new AbortController();
    return new Promise((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        abort.abort();
        pool.replace();
        reject(new StalledTask(`encode task for frame ${task.seq} did not finish within ${TASK_TIMEOUT_MS} ms`));
      }, TASK_TIMEOUT_MS);
      pool.run(task, abort.signal).then(
        (r) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(r);
        },
        (err: Error) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          // A worker died: if piscina does not refill the pool soon, replace it.
          pool.checkSoon();
          reject(err);
        },
      );
    });
  }

  get restarts(): number {
    return this.#pool?.restarts ?? 0;
  }

  get threads(): readonly { terminate(): Promise<number> }[] {
    return this.#pool?.threads ?? [];
  }

  async close(): Promise<void> {
    await this.#pool?.destroy();
  }
}
