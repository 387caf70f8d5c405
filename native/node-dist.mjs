// @ts-check
// Node builds for other CPUs, from the npm registry (packages
// node-linux-<arch>, which hold bin/node and include/node): their headers
// compile the addon for any target, and the arm64 binary runs the arm64
// check under qemu. Fetched once with `npm pack` and cached under
// node_modules/.cache, so the prebuild and the check need only npm.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Node release the prebuilds are compiled against and the arm64 check runs (N-API: any Node >= 20 loads them). */
export const NODE_DIST_VERSION = '20.20.2';
/** Repository root (this file lives in native/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Unpacked node-linux-<arch>@<version> (the folder holding bin/ and include/),
 * fetched on first use.
 * @param {'arm64' | 'x64'} arch
 * @param {string} [version]
 * @param {string} [cacheDir]
 * @returns {string}
 */
export function nodeDist(arch, version = NODE_DIST_VERSION, cacheDir = path.join(repoRoot, 'node_modules', '.cache', 'skyfeed-node')) {
  const name = `node-linux-${arch}`;
  const dir = path.join(cacheDir, `${name}-${version}`);
  if (existsSync(path.join(dir, 'bin', 'node')) && existsSync(path.join(dir, 'include', 'node', 'node_api.h'))) return dir;
  mkdirSync(cacheDir, { recursive: true });
  const work = path.join(cacheDir, `.tmp-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work);
  try {
    // --ignore-scripts: packing runs nothing from the package; the registry is the only source.
    execFileSync('npm', ['pack', `${name}@${version}`, '--pack-destination', work, '--ignore-scripts', '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${name}@${version} left no tarball`);
    execFileSync('tar', ['-xzf', path.join(work, tgz), '-C', work]);
    rmSync(dir, { recursive: true, force: true });
    renameSync(path.join(work, 'package'), dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return dir;
}
