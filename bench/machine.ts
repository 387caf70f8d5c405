// Names the machine a result came from.

import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem, release } from 'node:os';

export interface MachineInfo {
  nproc: number;
  cpu_model: string;
  mem_gb: number;
  node: string;
  kernel: string;
  /** 1-minute load average when the run started: > 0 before we start means others were busy. */
  loadavg_at_start: number;
}

export function machineInfo(): MachineInfo {
  let model = 'unknown';
  try {
    model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? model;
  } catch {
    /* not Linux */
  }
  let load = NaN;
  try {
    load = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    /* not Linux */
  }
  return {
    nproc: availableParallelism(), cpu_model: model, mem_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version, kernel: release(), loadavg_at_start: load,
  };
}

export function describeMachine(m: MachineInfo): string {
  return `${m.nproc} × ${m.cpu_model}, ${m.mem_gb} GB RAM, Node ${m.node}, Linux ${m.kernel}`;
}
