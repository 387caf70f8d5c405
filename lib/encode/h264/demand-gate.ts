// Runs a service only while someone wants it: the first acquire() starts it,
// and it stops `idleStopMs` after the last release, so a viewer reloading
// the page does not cost an encoder restart (and a wait for the first IDR).

export interface Startable {
  start(): void;
  stop(): Promise<void> | void;
}

export class DemandGate {
  readonly #target: Startable;
  readonly #idleStopMs: number;
  /** Holders that have not released yet. */
  #users = 0;
  #idleTimer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(target: Startable, idleStopMs: number) {
    if (!Number.isFinite(idleStopMs) || idleStopMs < 0) throw new TypeError('idleStopMs must be a number >= 0');
    this.#target = target;
    this.#idleStopMs = idleStopMs;
  }

  get users(): number {
    return this.#users;
  }

  /** Registers one user; returns its release function (idempotent). */
  acquire(): () => void {
    if (this.#closed) return () => {};
    if (this.#idleTimer) {
      clearTimeout(this.#idleTimer);
      this.#idleTimer = null;
    }
    if (++this.#users === 1) this.#target.start();
    let released = false;
    return () => {
      if (released || this.#closed) return;
      released = true;
      if (--this.#users > 0) return;
      this.#idleTimer = setTimeout(() => {
        this.#idleTimer = null;
        if (this.#users === 0) void this.#target.stop();
      }, this.#idleStopMs);
      this.#idleTimer.unref();
    };
  }

  /** Forgets every user; does not stop the target (its owner closes it). */
  close(): void {
    this.#closed = true;
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    this.#users = 0;
  }
}
