#!/usr/bin/env node
// `node dist/test/architecture/check-layers.js [ROOT]`: .ci/run's layering
// gate. Prints each upward import or cycle and exits 1; silent and 0 when clean.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLayers } from './layers.js';

const root = process.argv[2] ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const problems = checkLayers(root);
for (const p of problems) console.error(`layers: ${p}`);
if (problems.length) {
  console.error(`layers: ${problems.length} problem(s); imports run downward only (test/architecture/layers.ts has the floors)`);
  process.exit(1);
}
