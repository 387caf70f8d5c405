// The piscina pool of encode workers, made self-healing.
//
// piscina replaces a worker that dies while ready, but if a worker dies while
// still starting up it marks the pool as failing during bootstrap and never
// spawns another: the pool then holds tasks forever. A camera server cannot
// accept that, so a pool that lost a task, or that stays short of threads
// after a worker error, is replaced by a fresh one (counted as a restart).

import { Piscina } from 'piscina';
import type { EncodeResult, EncodeTask, EncodeWorkerData } from './messages.js';
import { WORKER_HEAP_LIMITS } from '../util/worker-limits.js';

const encodeWorkerUrl = new URL('../../workers/encode.js', import.meta.url).href;


/** How long after a worker error the pool must be back to full strength. */
const RECOVERY_CHECK_MS = 1000;

export class EncodePool {
  readonly size: number;
  restarts = 0;
  readonly #workerData: EncodeWorkerData;
  #pool: Piscina<EncodeTask, EncodeResult>;
  #check: NodeJS.Timeout | null = null;
  #destroyed = false;

  constructor(size: number, workerData: EncodeWorkerData) {
    this.size = size;
    this.#workerData = workerData;
    this.#pool = this.#create();
  }

  #create(): Piscina<EncodeTask, EncodeResult> {
    return new Piscina<EncodeTask, EncodeResult>({
      filename: encodeWorkerUrl,
      minThreads: this.size,
      maxThreads: this.size,
      concurrentTasksPerWorker: 1,
      // The pipeline never hands out more tasks than workers; the queue is a backstop.
      maxQueue: this.size,
      workerData: this.#workerData,
      resourceLimits: WORKER_HEAP_LIMITS,
      // Workers need none of the parent's flags; inheriting loader hooks
      // (--import, as test runners and APMs add) makes every worker boot slow.
      execArgv: [],
    });
  }

  run(task: EncodeTask, signal: AbortSignal): Promise<EncodeResult> {
    return this.#pool.run(task, { signal });
  }

  get threads(): readonly { terminate(): Promise<number> }[] {
    return this.#pool.threads;
  }

  /** Replaces the pool; tasks still in the old one are rejected by its destroy(). */
  replace(): void {
    if (this.#destroyed) return;
    const old = this.#pool;
    this.#pool = this.#create();
    this.restarts++;
    old.destroy().catch(() => {});
  }

  /** After a worker error: if the pool has not refilled itself soon, replace it. */
  checkSoon(): void {
    if (this.#check || this.#destroyed) return;
    this.#check = setTimeout(() => {
      this.#check = null;
      if (this.#pool.threads.length < this.size) this.replace();
    }, RECOVERY_CHECK_MS);
    this.#check.unref();
  }

  async destroy(): Promise<void> {
    this.#destroyed = true;
    if (this.#check) clearTimeout(this.#check);
    await this.#pool.destroy();
  }
}
