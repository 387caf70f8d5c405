// Child processes that die with the server. Node kills its children on a
// clean exit only; after `kill -9` (or an OOM kill) an ffmpeg with an idle
// input (a UDP port nobody sends to) writes nothing, never gets EPIPE, and
// lives on holding its port, so the restarted server finds it taken. Linux's
// PR_SET_PDEATHSIG has the kernel signal the child when its parent dies;
// util-linux's `setpriv --pdeathsig KILL` sets it and execs the program, so
// the child keeps the pid and arguments it would have had.

import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { logger } from './log.js';

const SETPRIV_CANDIDATES = ['/usr/bin/setpriv', '/bin/setpriv'];

/** The absolute path of an executable: `name` itself when it has a slash, else searched on PATH; null when none. */
export function findExecutable(name: string, envPath = process.env.PATH ?? ''): string | null {
  const candidates = name.includes('/') ? [path.resolve(name)] : envPath.split(':').filter(Boolean).map((d) => path.join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  return null;
}

let setpriv: string | null | undefined;
let warned = false;

/**
 * Spawns `file` (an absolute path: resolve it with findExecutable first, so
 * a missing program is reported as such and not as setpriv's exit code) so
 * that it is killed when this process dies, however it dies.
 */
export function spawnTied(file: string, args: readonly string[], opts: SpawnOptions): ChildProcess {
  if (setpriv === undefined) setpriv = SETPRIV_CANDIDATES.find((c) => findExecutable(c) !== null) ?? null;
  if (setpriv) return spawn(setpriv, ['--pdeathsig', 'KILL', '--', file, ...args], opts);
  if (!warned) {
    warned = true;
    logger('process').warn('setpriv (util-linux) not found: child processes may outlive a killed server');
  }
  return spawn(file, [...args], opts);
}
