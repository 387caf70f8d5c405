// The simulated vehicle as a child process (vehicle.connection: sim, and the
// tests' "separate process"): forked with an IPC channel, told its settings,
// asked for stats, its journal or a link drop. Its stdout/stderr lines go to
// `log` and the newest ones are kept for error messages.

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ParentMessage, SimRequest } from './sim-ipc.js';
import type { SimSettings } from './sim-options.js';
import type { JournalEntry, SimStats } from './sim-vehicle.js';

/** Output lines kept for diagnostics. */
const KEEP_LINES = 50;
const START_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 5_000;
const KILL_AFTER_MS = 2_000;
const mainJs = fileURLToPath(new URL('./main.js', import.meta.url));

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };
type RequestBody = SimRequest extends infer R ? (R extends SimRequest ? Omit<R, 'id'> : never) : never;

export class SimProcess {
  /** The forked simulated vehicle. */
  readonly #child: ChildProcess;
  /** Its newest output lines (KEEP_LINES). */
  readonly #lines: string[] = [];
  /** Requests waiting for a reply, by id (one per caller at a time; bounded by the callers). */
  readonly #pending = new Map<number, Pending>();
  /** Next request id; the port it listens on. */
  #nextId = 1;
  #port = 0;
  /** Resolves on exit; set by close() (idempotent). */
  #exited: Promise<number | null>;
  #closing: Promise<void> | null = null;

  private constructor(child: ChildProcess, log: ((line: string) => void) | undefined) {
    this.#child = child;
    const onLine = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        this.#lines.push(line);
        if (this.#lines.length > KEEP_LINES) this.#lines.shift();
        log?.(line);
      }
    };
    child.stdout?.on('data', onLine);
    child.stderr?.on('data', onLine);
    child.on('message', (m: ChildMessage) => {
      if (m.type !== 'reply') return;
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error));
    });
    this.#exited = new Promise((resolve) => child.once('exit', (code) => {
      for (const p of this.#pending.values()) { clearTimeout(p.timer); p.reject(new Error('simulated vehicle exited')); }
      this.#pending.clear();
      resolve(code);
    }));
  }

  /** Forks the simulated vehicle and resolves once it listens. */
  static async start(settings: SimSettings, log?: (line: string) => void): Promise<SimProcess> {
    const child = fork(mainJs, ['--ipc'], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json' });
    const sim = new SimProcess(child, log);
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('did not start within 10 s')), START_TIMEOUT_MS);
      const onExit = (code: number | null) => fail(new Error(`exited with ${code} before it was ready`));
      const done = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const fail = (err: Error) => {
        done();
        child.kill('SIGKILL');
        reject(new Error(`simulated vehicle: ${err.message}\n${sim.output()}`));
      };
      const onMessage = (m: ChildMessage) => {
        if (m.type === 'ready') { done(); resolve(m.port); }
        else if (m.type === 'failed') fail(new Error(m.error));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ type: 'init', settings } satisfies ParentMessage);
    });
    sim.#port = port;
    return sim;
  }

  get port(): number {
    return this.#port;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Resolves with the exit code when the process ends (for any reason). */
  get exited(): Promise<number | null> {
    return this.#exited;
  }

  /** The newest output lines. */
  output(): string {
    return this.#lines.join('\n');
  }

  #request<T>(body: RequestBody): Promise<T> {
    if (!this.running || !this.#child.connected) return Promise.reject(new Error('simulated vehicle is not running'));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`simulated vehicle did not answer ${body.cmd} within ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.#child.send({ type: 'request', id, ...body } as ParentMessage);
    });
  }

  stats(): Promise<SimStats> {
    return this.#request({ cmd: 'stats' });
  }

  journal(): Promise<JournalEntry[]> {
    return this.#request({ cmd: 'journal' });
  }

  resetStats(): Promise<void> {
    return this.#request({ cmd: 'reset_stats' });
  }

  /** Fault injection (refused unless the sim was started with faultInjection). */
  dropLink(seconds: number): Promise<void> {
    return this.#request({ cmd: 'drop_link', seconds });
  }

  /** SIGTERM, SIGKILL after 2 s; idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.running) {
        const kill = setTimeout(() => this.#child.kill('SIGKILL'), KILL_AFTER_MS);
        this.#child.kill('SIGTERM');
        await this.#exited;
        clearTimeout(kill);
      }
    })();
    return this.#closing;
  }
}
