// The layering check itself: clean on this tree, and it does catch an
// upward import, a lib -> workers import, a bench shortcut and a cycle.

import t from 'tap';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLayers } from './layers.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'skyfeed-layers-'));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), text);
  }
  return root;
}

t.test('this repository keeps the rules', async (t) => {
  t.same(checkLayers(repo), []);
});

t.test('each kind of violation is reported', async (t) => {
  const root = tree({
    'lib/config/a.ts': "import { x } from '../http/b.js';\n",
    'lib/http/b.ts': "export const x = 1;\n",
    'lib/capture/c.ts': "import type { Y } from '../../workers/w.js';\n",
    'workers/w.ts': "export type Y = number;\n",
    'bench/z.ts': "import { q } from '../lib/util/q.js';\n",
    'lib/util/q.ts': "import { r } from './r.js';\nexport const q = r;\n",
    'lib/util/r.ts': "import { q } from './q.js';\nexport const r = 1;\nvoid q;\n",
    'lib/newfolder/n.ts': "export {};\n",
  });
  const problems = checkLayers(root).join('\n');
  t.match(problems, /lib\/config\/a\.ts imports lib\/http\/b\.ts: upward/);
  t.match(problems, /lib\/capture\/c\.ts imports workers\/w\.ts: lib\/ never imports workers\//);
  t.match(problems, /bench\/z\.ts imports lib\/util\/q\.ts: bench\/ uses lib\/ through lib\/index\.ts only/);
  t.match(problems, /cycle: lib\/util\/(q|r)\.ts -> lib\/util\/(q|r)\.ts -> lib\/util\/(q|r)\.ts/);
  t.match(problems, /lib\/newfolder\/n\.ts: lib folder without a floor/);
});
