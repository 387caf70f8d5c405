// Waiting in tests: for a condition (a counter reaching a value, an event
// having happened), never for a fixed time. Polls every 10 ms; on timeout
// rejects naming what it waited for, so a failure says what did not happen.

export async function waitFor<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = 10000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A short pause (≤ 200 ms) where a test must let time pass, e.g. to see that nothing happens. */
export function pause(ms: number): Promise<void> {
  if (ms > 200) throw new Error(`pause(${ms}): fixed waits over 200 ms belong in the timing suite; wait for a condition instead`);
  return new Promise((r) => setTimeout(r, ms));
}
