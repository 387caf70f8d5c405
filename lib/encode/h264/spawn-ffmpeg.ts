// Finds ffmpeg on PATH (so a missing binary is a clear message, not a bare
// ENOENT) and starts it so that it dies with the server: through util-linux
// setpriv --pdeathsig KILL, which sets the parent-death signal and then execs
// ffmpeg (same pid). Without setpriv it is a plain spawn plus a warning: a
// server killed with SIGKILL would then leave ffmpeg blocked on its stdin.

import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { EncoderError } from './encoder-errors.js';

export interface SpawnedFfmpeg {
  proc: ChildProcess;
  /** Set when the process was started without a parent-death signal. */
  warning: string | null;
}

/** Absolute path of an executable `cmd` (a name looked up on PATH, or a path); null when there is none. */
export function findExecutable(cmd: string, envPath = process.env.PATH ?? ''): string | null {
  const candidates = cmd.includes('/') ? [path.resolve(cmd)] : envPath.split(':').filter(Boolean).map((d) => path.join(d, cmd));
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return null;
}

/** The ffmpeg binary for `cmd` ("ffmpeg" or a path); throws SKYFEED_ERR_ENCODER_UNAVAILABLE when missing. */
export function resolveFfmpeg(cmd = 'ffmpeg'): string {
  const found = findExecutable(cmd);
  if (!found) {
    throw new EncoderError('SKYFEED_ERR_ENCODER_UNAVAILABLE',
      `${cmd} not found${cmd.includes('/') ? '' : ` on PATH (${process.env.PATH ?? ''})`}: ` +
      'install ffmpeg (Debian: apt-get install ffmpeg) or set webrtc.ffmpeg_path');
  }
  return found;
}

export function spawnFfmpeg(ffmpeg: string, args: string[]): SpawnedFfmpeg {
  const stdio: ['pipe', 'pipe', 'pipe'] = ['pipe', 'pipe', 'pipe'];
  const setpriv = findExecutable('setpriv');
  if (setpriv) return { proc: spawn(setpriv, ['--pdeathsig', 'KILL', '--', ffmpeg, ...args], { stdio }), warning: null };
  return {
    proc: spawn(ffmpeg, args, { stdio }),
    warning: 'setpriv (util-linux) not found: ffmpeg is started without a parent-death signal and may outlive a killed server',
  };
}
