// Starts the real server as a child process on an ephemeral port, with a
// generated YAML config, and stops it with SIGTERM. Tests talk to it over
// real sockets only.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
/**
 * The admin token every test server accepts (SKYFEED_ADMIN_TOKEN, as a
 * systemd unit would set it); the JSON helper sends it unless a test says
 * otherwise, so the ground-station flows run authenticated.
 */
export const TEST_ADMIN_TOKEN = 'sf_test_admin_token_0123456789abcdef';
/** dist/lib/main.js, from dist/test/helpers. */
export const mainJs = path.resolve(here, '../../lib/main.js');

export interface RunningServer {
  proc: ChildProcess;
  port: number;
  base: string;
  configFile: string;
  output: () => string;
  /** SIGTERM and wait; resolves with exit code and ms taken. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

/** Writes `config` (merged over defaults by the server) to a temp YAML file. */
export function writeConfig(config: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-test-'));
  const file = path.join(dir, 'user.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

export function startServer(config: Record<string, unknown> = {}, extraArgs: string[] = []): Promise<RunningServer> {
  const merged = { ...config, http: { host: '127.0.0.1', port: 0, ...(config.http as object | undefined) } };
  return startServerWithFile(writeConfig(merged), extraArgs);
}

/** Starts the server on an existing config file (e.g. again after a restart). */
export function startServerWithFile(configFile: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<RunningServer> {
  const proc = spawn(process.execPath, [mainJs, '--config', configFile, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SKYFEED_ADMIN_TOKEN: TEST_ADMIN_TOKEN, ...env },
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20000);
    const onData = () => {
      const m = /listening on https?:\/\/[^:]+:(\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      proc.stdout!.off('data', onData);
      const port = Number(m[1]);
      resolve({
        proc, port, configFile, base: `http://127.0.0.1:${port}`, output: () => out,
        stop(signal = 'SIGTERM') {
          const t0 = performance.now();
          return new Promise((res) => {
            if (proc.exitCode !== null) return res({ code: proc.exitCode, ms: 0 });
            proc.once('exit', (code) => res({ code, ms: performance.now() - t0 }));
            proc.kill(signal);
          });
        },
      });
    };
    proc.stdout!.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
}

/**
 * Runs the server expecting it to fail at start; resolves with code and
 * output. One still running after `timeoutMs` is killed (code null), so a
 * server that wrongly starts fails the test instead of hanging it.
 */
export function runExpectingFailure(configFile: string, args: string[] = ['--config', configFile], timeoutMs = 15000): Promise<{ code: number | null; output: string }> {
  const proc = spawn(process.execPath, [mainJs, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SKYFEED_ADMIN_TOKEN: TEST_ADMIN_TOKEN },
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => proc.once('exit', (code) => {
    clearTimeout(timer);
    resolve({ code, output: out });
  }));
}
