// The real server as a child process, for the tests where the process
// boundary is the point: signals and shutdown, crashes and kill -9, start-up
// output and exit codes, the native V4L2 addon under an LD_PRELOAD camera,
// exclusive listen, the server's own RSS. Everything else runs in-process
// (in-process.ts).
//
// No server outlives its test file: each child is spawned with
// spawnTied (the kernel SIGKILLs it when the test process dies, even by
// SIGKILL or a tap timeout, where no teardown runs), is stopped by the
// owning test's teardown, and any still alive at a normal exit is killed.

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { spawnTied } from '../../lib/util/spawn-tied.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/**
 * The admin token every test server accepts (SKYFEED_ADMIN_TOKEN, as a
 * systemd unit would set it); the JSON helper sends it unless a test says
 * otherwise, so the ground-station flows run authenticated.
 */
export const TEST_ADMIN_TOKEN = 'sf_test_admin_token_0123456789abcdef';
/** dist/lib/main.js, from dist/test/helpers. */
export const mainJs = path.resolve(here, '../../lib/main.js');

/** What owns a server: a tap test (its teardown stops the server). */
export interface Owner {
  teardown(fn: () => unknown): void;
}

export interface RunningServer {
  proc: ChildProcess;
  pid: number;
  port: number;
  base: string;
  configFile: string;
  /** Everything the server printed so far (stdout and stderr; the newest 1 MB). */
  output(): string;
  /** What the server wrote on stderr alone (its log: JSON lines; the newest 1 MB). */
  stderr(): string;
  /** Sends `signal` (SIGTERM) and waits for the exit; SIGKILL after `graceMs`. Idempotent. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

export interface StartOptions {
  /** Arguments after `--config FILE`. */
  args?: string[];
  /** Environment added to the test's own (which already carries SKYFEED_ADMIN_TOKEN). */
  env?: NodeJS.ProcessEnv;
  /** The script to run instead of dist/lib/main.js (the benchmark's ablation servers). */
  entry?: string;
}

/** Output kept per server: start-up and error lines, never a flood. */
const MAX_OUTPUT = 1 << 20;
/**
 * Start-up (tsc-built server, pool threads, maybe ffmpeg) on a loaded 2-core machine. The arm64
 * check raises it (SKYFEED_TEST_START_TIMEOUT_MS): under qemu a server takes 40 s and more to listen.
 */
const START_TIMEOUT_MS = Number(process.env.SKYFEED_TEST_START_TIMEOUT_MS) || 20000;

/** Children still running; killed at a normal exit of the test process (pdeathsig covers the rest). */
const live = new Set<ChildProcess>();
let exitHook = false;

/** Spawns node running `args`, tied to this process and tracked. */
export function spawnNode(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const proc = spawnTied(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SKYFEED_ADMIN_TOKEN: TEST_ADMIN_TOKEN, ...env },
  });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const p of live) p.kill('SIGKILL');
    });
  }
  return proc;
}

/** Writes `config` (merged over defaults by the server) to a temp YAML file. */
/**
 * The vehicle section of a test server: the test's own, or none. The default
 * (sim) starts a simulated vehicle process per server; the ~200 servers of
 * the suite that are not about the vehicle do not need one. The vehicle
 * tests name `vehicle.connection` themselves.
 */
export function vehicleFor(config: Record<string, unknown>): Record<string, unknown> {
  return { connection: 'none', ...(config.vehicle as object | undefined) };
}

export function writeConfig(config: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-test-'));
  const file = path.join(dir, 'user.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

/** Starts a server on 127.0.0.1 and an ephemeral port with `config` merged over the defaults. */
export function startServer(t: Owner, config: Record<string, unknown> = {}, opts: StartOptions = {}): Promise<RunningServer> {
  const merged = { ...config, http: { host: '127.0.0.1', port: 0, ...(config.http as object | undefined) }, vehicle: vehicleFor(config) };
  return startServerWithFile(t, writeConfig(merged), opts);
}

/** Starts the server on an existing config file (e.g. again after a restart). */
export function startServerWithFile(t: Owner, configFile: string, opts: StartOptions = {}): Promise<RunningServer> {
  const proc = spawnNode([opts.entry ?? mainJs, '--config', configFile, ...(opts.args ?? [])], opts.env);
  let out = '';
  let err = '';
  const keep = (d: Buffer) => {
    out += d;
    if (out.length > MAX_OUTPUT) out = out.slice(-MAX_OUTPUT / 2);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  proc.stderr!.on('data', (d: Buffer) => {
    err += d;
    // Cut at a line start so that the kept log still parses line by line.
    if (err.length > MAX_OUTPUT) err = err.slice(err.indexOf('\n', err.length - MAX_OUTPUT / 2) + 1);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.once('exit', (code, signal) => r({ code, signal })));
  let stopping: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> | null = null;
  const stop = (signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000) => (stopping ??= (async () => {
    const t0 = performance.now();
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    const kill = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    const end = await exited;
    clearTimeout(kill);
    return { ...end, ms: performance.now() - t0 };
  })());
  t.teardown(() => stop());
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      proc.stdout!.off('data', onData);
      void stop('SIGKILL');
      reject(new Error(`${why}:\n${out}`));
    };
    const timer = setTimeout(() => fail(`server did not start within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    const onData = () => {
      const m = /listening on https?:\/\/[^:]+:(\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      proc.stdout!.off('data', onData);
      const port = Number(m[1]);
      resolve({
        proc, pid: proc.pid!, port, configFile, base: `http://127.0.0.1:${port}`, output: () => out, stderr: () => err, stop,
      });
    };
    proc.stdout!.on('data', onData);
    void exited.then(({ code, signal }) => {
      if (!/listening on/.test(out)) fail(`server exited with ${code ?? signal} before listening`);
    });
  });
}

/**
 * Runs the server expecting it to fail at start; resolves with code and
 * output. One still running after `timeoutMs` is killed (code null), so a
 * server that wrongly starts fails the test instead of hanging it.
 */
export function runExpectingFailure(configFile: string, args: string[] = ['--config', configFile], timeoutMs = 15000, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> {
  const proc = spawnNode([mainJs, ...args], env);
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => proc.once('exit', (code) => {
    clearTimeout(timer);
    resolve({ code, output: out });
  }));
}

/** Resident set size of a process in bytes (Linux /proc). */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}
