// The layering rule, checked over the TypeScript imports: lib/ folders are
// floors, and a file may import its own floor or the ones below, never one
// above; lib/ never imports workers/; bench/ reaches lib/ through its public
// entry points only; and no set of files imports itself in a circle (type
// imports count: they tie the code together as much as value imports).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Bottom first. A folder not listed here is an error: every new folder takes a floor. */
export const FLOORS: readonly (readonly string[])[] = [
  ['lib/util', 'lib/errors.ts'],
  ['lib/policy'],
  ['lib/config'],
  ['lib/bus'],
  ['lib/capture'],
  ['lib/encode'],
  ['lib/vision'],
  ['lib/vehicle'],
  ['lib/stream'],
  ['lib/app'],
  ['lib/http'],
  ['lib/server.ts', 'lib/index.ts', 'lib/main.ts'],
];
/** What bench/ may import from lib/. */
export const PUBLIC_ENTRIES = ['lib/index.ts'];

// A worker started by URL (`new URL('../../workers/encode.js', import.meta.url)`)
// is not an import: lib/ starts the thread, the thread imports lib/.
const IMPORT_RE = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

function tsFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(path.join(root, dir));
  } catch {
    return out;
  }
  for (const name of names) {
    const rel = path.posix.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) out.push(...tsFiles(root, rel));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Relative imports of `file`, as repository paths of .ts files. */
export function importsOf(root: string, file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT_RE)) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]));
    out.push(target.replace(/\.js$/, '.ts'));
  }
  return out;
}

export function floorOf(file: string): number {
  for (let i = 0; i < FLOORS.length; i++) {
    if (FLOORS[i].some((p) => file === p || file.startsWith(`${p}/`))) return i;
  }
  return -1;
}

/** Every violation as one line; empty when the tree keeps the rules. */
export function checkLayers(root: string): string[] {
  const files = ['lib', 'workers', 'bench'].flatMap((d) => tsFiles(root, d));
  const graph = new Map<string, string[]>();
  const problems: string[] = [];
  for (const f of files) {
    const deps = importsOf(root, f).filter((d) => d.startsWith('lib/') || d.startsWith('workers/') || d.startsWith('bench/'));
    graph.set(f, deps);
    if (f.startsWith('lib/') && floorOf(f) < 0) problems.push(`${f}: lib folder without a floor (add it to FLOORS in test/architecture/layers.ts)`);
    for (const d of deps) {
      if (f.startsWith('lib/') && d.startsWith('workers/')) problems.push(`${f} imports ${d}: lib/ never imports workers/`);
      else if (f.startsWith('lib/') && d.startsWith('lib/') && floorOf(d) > floorOf(f)) problems.push(`${f} imports ${d}: upward (floor ${floorOf(f)} -> ${floorOf(d)})`);
      else if (f.startsWith('bench/') && d.startsWith('lib/') && !PUBLIC_ENTRIES.includes(d)) problems.push(`${f} imports ${d}: bench/ uses lib/ through ${PUBLIC_ENTRIES.join(', ')} only`);
    }
  }
  for (const cycle of cycles(graph)) problems.push(`cycle: ${cycle.join(' -> ')}`);
  return problems;
}

/** Strongly connected components with more than one file (Tarjan), each as a loop of paths. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push([...comp.reverse(), comp[0]]);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}
