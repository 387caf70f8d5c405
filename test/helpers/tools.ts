// Tools some tests need (ffmpeg, a C compiler). CI installs them, so a test
// that needs one fails with a clear message when it is missing; it never
// skips silently.

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export function hasCommand(cmd: string, args = ['-version']): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0;
}

export const FFMPEG_MISSING =
  'ffmpeg is not installed: CI installs it (.ci/run; Debian: apt-get install ffmpeg). This test needs it and does not skip.';
export const CC_MISSING =
  'no C compiler (cc): CI has one (Debian: apt-get install build-essential). This test needs it and does not skip.';

/** Runs ffmpeg with `args`; throws with its stderr on failure. */
export function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr || r.error}`);
}

/**
 * The hardware-encoder detection's short ffmpeg probes (`-encoders`, a
 * 5-frame trial on testsrc2), which run beside a server's first seconds:
 * not the capture or encode processes the tests look for.
 */
function isEncoderProbe(pid: string): boolean {
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  return args.includes('-encoders') || args.some((a) => a.startsWith('testsrc2=size=320x240'));
}

/** Child process ids of `ppid` whose command name is `comm` (the encoder detection's probes left out). */
export function childPids(ppid: number, comm: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      if (Number(fields[1]) === ppid && name === comm && !isEncoderProbe(d)) out.push(Number(d));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** Whether process `pid` holds a UDP socket bound to local port `port` (Linux /proc). */
export function holdsUdpPort(pid: number, port: number): boolean {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue; // no IPv6
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && parseInt(f[1].split(':')[1], 16) === port) inodes.add(f[9]);
    }
  }
  if (inodes.size === 0) return false;
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false; // the process is gone
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m && inodes.has(m[1])) return true;
    } catch {
      // the fd closed while we looked
    }
  }
  return false;
}
