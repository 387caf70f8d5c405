// A promise-chain mutex: each task starts when the previous one settled, so
// read-modify-write sequences (config saves, source swaps) never interleave.
// A failing task does not break the chain for the next one.

export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.#tail.then(task, task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
