// Where the event loop's time goes: self time per function from a V8
// .cpuprofile (`node --cpu-prof`), as `npm run bench -- --profile` prints it.

import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  name: string;
  ms: number;
  pct: number;
}

export function topSelfTime(file: string, n = 15): { totalMs: number; top: SelfTime[] } {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const node = byId.get(p.samples[i]);
    if (!node) continue;
    const cf = node.callFrame;
    const file = cf.url ? cf.url.replace(/^.*\/(dist|node_modules)\//, '$1/') : '';
    const key = `${cf.functionName || '(anonymous)'}${file ? ` ${file}:${cf.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  }
  const totalMs = (p.endTime - p.startTime) / 1000;
  const top = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, ms]) => ({ name, ms, pct: (ms / totalMs) * 100 }));
  return { totalMs, top };
}
