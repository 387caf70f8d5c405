// Driver side of the load generators: forks enough processes for the number
// of clients, spreads the clients over them, and merges their reports.

import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LatencyHistogram } from './histogram.js';
import type { DriverCommand, LoadKind, LoadgenMessage, OpenedMessage, WindowReport } from './loadgen-protocol.js';

const loadgenJs = path.join(path.dirname(fileURLToPath(import.meta.url)), 'loadgen.js');

export interface PoolOptions {
  port: number;
  kind: LoadKind;
  path: string;
  clients: number;
  /** Of `clients`, how many stop reading on stall(). Spread over the processes. */
  slow?: number;
  /** Clients per process before another process is added. */
  perProcess: number;
  maxProcesses: number;
  sample?: boolean;
}

/** The generators' window reports merged: counts summed, frame lists concatenated. */
export interface PoolReport extends Pick<WindowReport,
  'windowMs' | 'fastFrames' | 'slowFrames' | 'jpegBytes' | 'wireBytes' | 'invalidFrames' | 'outOfOrder'> {
  processes: number;
  latency: LatencyHistogram;
  /** CPU % of one core, per load-generator process. */
  cpuPct: number[];
  elu: number[];
  errors: string[];
  lost: number;
}

interface Gen {
  proc: ChildProcess;
  next: (m: LoadgenMessage) => void;
  waiters: { type: string; resolve: (m: any) => void }[];
  frames: number;
}

export class LoadgenPool {
  readonly #gens: Gen[] = [];
  readonly opts: PoolOptions;
  sample: Buffer | null = null;
  #sampleWaiter: ((b: Buffer) => void) | null = null;

  constructor(opts: PoolOptions) {
    this.opts = opts;
    const n = Math.max(1, Math.min(opts.maxProcesses, Math.ceil(opts.clients / opts.perProcess)));
    for (let i = 0; i < n; i++) {
      const proc = fork(loadgenJs, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const g: Gen = { proc, waiters: [], frames: 0, next: () => {} };
      proc.on('message', (m: LoadgenMessage) => {
        if (m.type === 'progress') g.frames = m.frames;
        else if (m.type === 'sample') {
          this.sample = Buffer.from(m.jpegBase64, 'base64');
          this.#sampleWaiter?.(this.sample);
        } else {
          const i = g.waiters.findIndex((w) => w.type === m.type);
          if (i >= 0) g.waiters.splice(i, 1)[0].resolve(m);
        }
      });
      this.#gens.push(g);
    }
  }

  get processes(): number {
    return this.#gens.length;
  }

  /** Total frames (or responses) received so far, from the last progress messages. */
  get frames(): number {
    return this.#gens.reduce((a, g) => a + g.frames, 0);
  }

  #ask<T>(g: Gen, cmd: DriverCommand, reply: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load generator exited (${code}) while waiting for ${reply}`));
      g.proc.once('exit', onExit);
      g.waiters.push({ type: reply, resolve: (m: T) => { g.proc.off('exit', onExit); resolve(m); } });
      g.proc.send(cmd);
    });
  }

  /** Opens all clients; resolves when each got its first frame (or failed, or timed out). */
  async open(timeoutMs = 15000): Promise<{ ready: number; failed: number; errors: string[] }> {
    const o = this.opts;
    const n = this.#gens.length;
    const slow = o.slow ?? 0;
    const replies = await Promise.all(
      this.#gens.map((g, i) => {
        const count = Math.floor(o.clients / n) + (i < o.clients % n ? 1 : 0);
        const s = Math.floor(slow / n) + (i < slow % n ? 1 : 0);
        return this.#ask<OpenedMessage>(g, {
          cmd: 'open', host: '127.0.0.1', port: o.port, kind: o.kind, path: o.path, count, slow: s,
          sample: !!o.sample && i === 0, timeoutMs,
        }, 'opened');
      }),
    );
    return {
      ready: replies.reduce((a, r) => a + r.ready, 0),
      failed: replies.reduce((a, r) => a + r.failed, 0),
      errors: replies.flatMap((r) => r.errors),
    };
  }

  waitSample(timeoutMs: number): Promise<Buffer | null> {
    if (this.sample) return Promise.resolve(this.sample);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(null), timeoutMs);
      this.#sampleWaiter = (b) => {
        clearTimeout(t);
        resolve(b);
      };
    });
  }

  mark(): void {
    for (const g of this.#gens) g.proc.send({ cmd: 'mark' } satisfies DriverCommand);
  }

  stall(): void {
    for (const g of this.#gens) g.proc.send({ cmd: 'stall' } satisfies DriverCommand);
  }

  async report(): Promise<PoolReport> {
    const reps = await Promise.all(this.#gens.map((g) => this.#ask<WindowReport>(g, { cmd: 'report' }, 'report')));
    const latency = new LatencyHistogram();
    for (const r of reps) latency.merge(r.latency);
    return {
      processes: reps.length,
      windowMs: Math.max(...reps.map((r) => r.windowMs)),
      fastFrames: reps.flatMap((r) => r.fastFrames),
      slowFrames: reps.flatMap((r) => r.slowFrames),
      jpegBytes: sum(reps.map((r) => r.jpegBytes)),
      wireBytes: sum(reps.map((r) => r.wireBytes)),
      invalidFrames: sum(reps.map((r) => r.invalidFrames)),
      outOfOrder: sum(reps.map((r) => r.outOfOrder)),
      latency,
      cpuPct: reps.map((r) => ((r.cpuUserUs + r.cpuSystemUs) / 1000 / r.windowMs) * 100),
      elu: reps.map((r) => r.elu),
      errors: reps.flatMap((r) => r.errors),
      lost: sum(reps.map((r) => r.lost)),
    };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.#gens.map(
        (g) =>
          new Promise<void>((resolve) => {
            if (g.proc.exitCode !== null) return resolve();
            const t = setTimeout(() => g.proc.kill('SIGKILL'), 3000);
            g.proc.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
            if (g.proc.connected) g.proc.send({ cmd: 'close' } satisfies DriverCommand);
            else g.proc.kill('SIGTERM');
          }),
      ),
    );
  }
}

function sum(a: number[]): number {
  return a.reduce((x, y) => x + y, 0);
}
