// Server resource use from /proc, read from outside the server process:
// CPU time of all its threads (utime+stime in /proc/<pid>/stat covers the
// whole thread group: event loop, encode workers, capture thread, libuv and
// libvips threads), the event-loop thread alone (/proc/<pid>/task/<pid>/stat),
// and resident memory (VmRSS) sampled for the peak.

import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let clkTck = 0;
/** Kernel clock ticks per second (USER_HZ), for utime/stime. */
export function clockTicks(): number {
  if (!clkTck) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

/** utime and stime of a /proc stat file, in µs; NaN when the process is gone. */
function statTimes(file: string): { user: number; sys: number } {
  let text: string;
  try {
    text = readFileSync(file, 'latin1');
  } catch {
    return { user: NaN, sys: NaN };
  }
  // The command name may contain spaces or parentheses: fields start after the last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat (utime, stime) are at 11 and 12 after the name.
  const k = 1e6 / clockTicks();
  return { user: Number(f[11]) * k, sys: Number(f[12]) * k };
}

function statCpuUs(file: string): number {
  const t = statTimes(file);
  return t.user + t.sys;
}

export interface CpuSample {
  /** Wall time, ms (performance.now()). */
  t: number;
  /** All threads, µs. */
  totalUs: number;
  /** The main (event-loop) thread, µs. */
  mainUs: number;
  /** Of mainUs, time in the kernel (socket writes): what a C loop pays too. */
  mainSysUs: number;
}

export function cpuSample(pid: number): CpuSample {
  const main = statTimes(`/proc/${pid}/task/${pid}/stat`);
  return { t: performance.now(), totalUs: statCpuUs(`/proc/${pid}/stat`), mainUs: main.user + main.sys, mainSysUs: main.sys };
}

/** CPU µs per thread name (comm), all threads of `pid`: where the time goes. */
export function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    let comm = '?';
    try {
      comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'latin1').trim();
    } catch {
      continue;
    }
    if (tid === String(pid)) comm = 'main (event loop)';
    const us = statCpuUs(`/proc/${pid}/task/${tid}/stat`);
    if (us >= 0) out.set(comm, (out.get(comm) ?? 0) + us);
  }
  return out;
}

/** VmRSS in bytes; NaN when the process is gone. */
export function rssBytes(pid: number): number {
  return memory(pid).rss;
}

/** VmRSS and RssAnon in bytes. */
export function memory(pid: number): { rss: number; anon: number } {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'latin1');
    const rss = /VmRSS:\s+(\d+) kB/.exec(text);
    const anon = /RssAnon:\s+(\d+) kB/.exec(text);
    return { rss: rss ? Number(rss[1]) * 1024 : NaN, anon: anon ? Number(anon[1]) * 1024 : NaN };
  } catch {
    return { rss: NaN, anon: NaN };
  }
}

/** Whole-machine busy and total jiffies from /proc/stat, to tell how busy the rest of the machine was. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'latin1').split('\n')[0];
  const v = line.split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal ...
  const idle = v[3] + (v[4] || 0);
  const total = v.slice(0, 8).reduce((a, b) => a + (b || 0), 0);
  return { busy: total - idle, total };
}

/** Samples a process's RSS periodically; keeps the peak and the series. */
export class RssSampler {
  readonly #pid: number;
  readonly #timer: NodeJS.Timeout;
  peak = 0;
  peakAnon = 0;
  readonly series: { t: number; rss: number }[] = [];

  constructor(pid: number, everyMs = 200) {
    this.#pid = pid;
    this.#timer = setInterval(() => this.sample(), everyMs);
    this.#timer.unref();
    this.sample();
  }

  sample(): number {
    const m = memory(this.#pid);
    const r = m.rss;
    if (m.anon > this.peakAnon) this.peakAnon = m.anon;
    if (r > 0) {
      if (r > this.peak) this.peak = r;
      if (this.series.length < 10000) this.series.push({ t: performance.now(), rss: r });
    }
    return r;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
