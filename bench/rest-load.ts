// REST load on GET /status for the mixed scenario: wrk when it is installed
// (Debian package `wrk`), else the built-in keep-alive loop in a
// load-generator process.

import { spawn, execFileSync } from 'node:child_process';

export function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    // wrk --version exits 1 after printing its version; only ENOENT means absent.
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

export interface WrkResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: string | null;
  raw: string;
}

function toMs(v: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(v.trim());
  if (!m) return NaN;
  const x = Number(m[1]);
  return m[2] === 'us' ? x / 1000 : m[2] === 'ms' ? x : m[2] === 's' ? x * 1000 : x * 60000;
}

/** Runs wrk for `seconds` with `connections` against `url`; parses req/s and latency percentiles. */
export function runWrk(url: string, connections: number, seconds: number): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    const p = spawn('wrk', ['-t2', `-c${connections}`, `-d${Math.max(1, Math.round(seconds))}s`, '--latency', url]);
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('exit', () => {
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
      const p50 = /\s50%\s+(\S+)/.exec(out)?.[1];
      const p99 = /\s99%\s+(\S+)/.exec(out)?.[1];
      const errs = /Socket errors:.*|Non-2xx or 3xx responses:.*/.exec(out)?.[0] ?? null;
      if (!(rps >= 0)) return reject(new Error(`could not parse wrk output:\n${out}`));
      resolve({ requestsPerSec: rps, p50Ms: p50 ? toMs(p50) : NaN, p99Ms: p99 ? toMs(p99) : NaN, errors: errs, raw: out });
    });
  });
}
