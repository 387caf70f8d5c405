// Starts the server under test (the real one, or a bench-only ablation
// entry) as its own process with a generated YAML config on an ephemeral
// port, and stops it with SIGTERM.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Entry points, from dist/bench. */
export const SERVER_ENTRIES = {
  uws: path.resolve(here, '../lib/main.js'),
  'uws-main-thread': path.resolve(here, 'ablations/uws-main-thread-server.js'),
  'node-http': path.resolve(here, 'ablations/node-http-server.js'),
} as const;
export type ServerKind = keyof typeof SERVER_ENTRIES;

export interface ServerUnderTest {
  proc: ChildProcess;
  pid: number;
  port: number;
  output(): string;
  /** SIGTERM; resolves with the exit code (null if it had to be killed). */
  stop(): Promise<number | null>;
}

export async function startServerProcess(
  kind: ServerKind, config: Record<string, unknown>, nodeArgs: string[] = [], env?: NodeJS.ProcessEnv, serverArgs: string[] = [],
): Promise<ServerUnderTest> {
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-bench-'));
  const file = path.join(dir, 'bench.yaml');
  const http = { host: '127.0.0.1', port: 0, ...(config.http as object | undefined) };
  writeFileSync(file, stringify({ ...config, http }));
  const proc = spawn(process.execPath, [...nodeArgs, SERVER_ENTRIES[kind], '--config', file, ...serverArgs], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  const keep = (d: Buffer) => {
    out += d;
    if (out.length > 64 * 1024) out = out.slice(-32 * 1024);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 20 s:\n${out}`)), 20000);
    const onData = () => {
      const m = /skyfeed listening on https?:\/\/[^\s:]+:(\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      proc.stdout!.off('data', onData);
      proc.off('exit', onExit);
      resolve(Number(m[1]));
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    };
    proc.stdout!.on('data', onData);
    proc.once('exit', onExit);
  });
  return {
    proc, pid: proc.pid!, port, output: () => out,
    stop() {
      return new Promise((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve(proc.exitCode);
        const kill = setTimeout(() => proc.kill('SIGKILL'), 5000);
        proc.once('exit', (code) => {
          clearTimeout(kill);
          resolve(code);
        });
        proc.kill('SIGTERM');
      });
    },
  };
}

export async function getJson(port: number, urlPath: string): Promise<Record<string, any>> {
  const r = await fetch(`http://127.0.0.1:${port}${urlPath}`);
  if (!r.ok) throw new Error(`GET ${urlPath}: HTTP ${r.status}`);
  return (await r.json()) as Record<string, any>;
}
