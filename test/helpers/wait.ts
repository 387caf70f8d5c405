// Waiting in tests: for a condition (a counter reaching a value, an event
// having happened), never for a fixed time. The condition is checked again
// whenever something it depends on announces a change (a stream client's
// parts and messages: a `Changes`), and otherwise every `everyMs`; on
// timeout it rejects naming what it waited for, so a failure says what did
// not happen instead of where it stopped.

export interface WaitOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Re-check at least this often (default 10 ms, 100 ms with `wake`; 50+ for checks that make a request). */
  everyMs?: number;
  /** Re-check at once whenever this announces a change. */
  wake?: Changes;
}

/** A change announcer: a source of events calls notify(); pending waits wake up and re-check. */
export class Changes {
  /** Wakers of the waits now pending; each is called once and removed. */
  readonly #wakers = new Set<() => void>();

  notify(): void {
    const wakers = [...this.#wakers];
    this.#wakers.clear();
    for (const w of wakers) w();
  }

  /** Resolves at the next notify() or after `ms`, whichever is first. */
  next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wakers.add(done);
    });
  }
}

/**
 * Resolves with the first truthy value of `check`; rejects after the
 * timeout with "timed out after N ms waiting for <what>". A check that
 * throws rejects at once with its error (e.g. "the stream ended").
 */
export async function waitFor<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  options: number | WaitOptions = {},
): Promise<T> {
  const o = typeof options === 'number' ? { timeoutMs: options } : options;
  const timeoutMs = o.timeoutMs ?? 10000;
  const everyMs = o.everyMs ?? (o.wake ? 100 : 10);
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    const left = end - Date.now();
    if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    const ms = Math.min(everyMs, left);
    await (o.wake ? o.wake.next(ms) : new Promise((r) => setTimeout(r, ms)));
  }
}

/** A short pause (≤ 200 ms) where a test must let time pass, e.g. to see that nothing happens. */
export function pause(ms: number): Promise<void> {
  if (ms > 200) throw new Error(`pause(${ms}): fixed waits over 200 ms belong in the timing suite; wait for a condition instead`);
  return new Promise((r) => setTimeout(r, ms));
}
