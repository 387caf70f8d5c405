// A budget of log lines per time window, for events a client can cause at
// will (a wrong token, a foreign Host header): past the budget the lines are
// counted instead of written, and the count is reported with the first line
// of a later window. A flood of bad requests then costs a few lines a
// second, not a line per request (disk, journald, and the log buffer).

export class LineBudget {
  /** Lines allowed per window. */
  readonly #perWindow: number;
  readonly #windowMs: number;
  #windowStart = -Infinity;
  #used = 0;
  /** Lines refused since the last one written. */
  #dropped = 0;

  constructor(perWindow: number, windowMs = 1000) {
    this.#perWindow = perWindow;
    this.#windowMs = windowMs;
  }

  /** Lines refused since the last line written, or 0 when the caller may not write now. */
  take(now: number = performance.now()): { ok: boolean; droppedBefore: number } {
    if (now - this.#windowStart >= this.#windowMs) {
      this.#windowStart = now;
      this.#used = 0;
    }
    if (this.#used >= this.#perWindow) {
      this.#dropped++;
      return { ok: false, droppedBefore: 0 };
    }
    this.#used++;
    const droppedBefore = this.#dropped;
    this.#dropped = 0;
    return { ok: true, droppedBefore };
  }
}
