// @ts-check
// npm's install step for the V4L2 addon. node-gyp-build loads any
// build/Release/*.node before prebuilds/, whatever its CPU, so this script
// makes sure that what it would load is right for the target:
//   1. a build/ whose .node is for another CPU (a copied tree, a cross
//      install) or does not load here is removed;
//   2. a matching prebuild (prebuilds/linux-<arch>/, chosen by node-gyp-build
//      itself) that loads is used as is: no compiler needed;
//   3. otherwise the addon is compiled for this machine, and the result is
//      kept only if it is for this CPU and loads.
// The target is npm's --cpu/--os (or --arch/--platform) when given, else
// this machine; for a foreign target nothing is compiled. The addon is
// optional (only source.type v4l2 needs it), so this never fails the install.
// `npm install --build-from-source` (npm_config_build_from_source) skips 2.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { elfArch } from './elf.mjs';
import { repoRoot } from './node-dist.mjs';
import { nodeGypRebuild } from './node-gyp.mjs';

const env = process.env;
const target = {
  platform: env.npm_config_os || env.npm_config_platform || process.platform,
  arch: env.npm_config_cpu || env.npm_config_arch || process.arch,
};
const cross = target.platform !== process.platform || target.arch !== process.arch;
const buildDir = path.join(repoRoot, 'build');

/** @param {string} msg */
function say(msg) {
  console.log(`skyfeed: ${msg}`);
}

/** The .node files node-gyp-build would look at in build/ (Release first). */
function builtAddons() {
  return ['Release', 'Debug'].flatMap((d) => {
    const dir = path.join(buildDir, d);
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.node')).map((f) => path.join(dir, f)) : [];
  });
}

/** null when `file` loads in a fresh Node of this machine, else why not. @param {string} file */
function loadError(file) {
  const r = spawnSync(process.execPath, ['-e', 'require(process.argv[1])', file], { encoding: 'utf8', timeout: 20000 });
  if (r.status === 0) return null;
  const lines = `${r.stderr ?? ''}${r.error ?? ''}`.split('\n').filter((l) => /Error|error:/.test(l));
  return lines[0]?.trim() || `exit status ${r.status}`;
}

/** Removes build/ when anything in it is for another CPU or does not load here. */
function dropUnusableBuild() {
  for (const file of builtAddons()) {
    const arch = elfArch(file);
    const why = arch !== target.arch ? `built for ${arch}, the target is ${target.arch}` : cross ? null : loadError(file);
    if (why) {
      say(`removing ${path.relative(repoRoot, buildDir)}/ (${path.relative(repoRoot, file)}: ${why})`);
      rmSync(buildDir, { recursive: true, force: true });
      return;
    }
  }
}

/** The prebuild node-gyp-build picks for the target, or null. */
function matchingPrebuild() {
  // node-gyp-build reads these when it is loaded: prebuilds only, for the target CPU.
  env.PREBUILDS_ONLY = '1';
  env.npm_config_arch = target.arch;
  env.npm_config_platform = target.platform;
  const ngb = /** @type {{ resolve(dir: string): string }} */ (createRequire(import.meta.url)('node-gyp-build'));
  try {
    const file = ngb.resolve(repoRoot);
    // The folder name chose it; the bytes must agree.
    return elfArch(file) === target.arch ? file : null;
  } catch {
    return null;
  } finally {
    delete env.PREBUILDS_ONLY;
  }
}

function main() {
  if (target.platform !== 'linux') {
    say(`V4L2 addon skipped: V4L2 exists on Linux only (target ${target.platform}); source.type v4l2 will be unavailable`);
    return;
  }
  dropUnusableBuild();
  const fromSource = env.npm_config_build_from_source === 'true';
  if (!fromSource) {
    const prebuild = matchingPrebuild();
    if (prebuild && cross) return say(`V4L2 addon for ${target.arch}: ${path.relative(repoRoot, prebuild)} (not loaded: foreign target)`);
    if (prebuild) {
      const why = loadError(prebuild);
      if (!why) return say(`V4L2 addon: ${path.relative(repoRoot, prebuild)}${builtAddons().length ? ' (a local build/ takes precedence)' : ''}`);
      say(`${path.relative(repoRoot, prebuild)} does not load here (${why}); building from source`);
    } else if (!cross) {
      say(`no prebuilt V4L2 addon for linux-${target.arch}; building from source`);
    }
  }
  if (cross) {
    return say(`no V4L2 addon for linux-${target.arch} (no prebuild, and this ${process.arch} machine does not compile for it): ` +
      'run `npm rebuild` on the target, where source.type v4l2 is otherwise unavailable');
  }
  // The headers of the running Node, when it was installed with them (distro
  // packages, official tarballs): node-gyp would otherwise download them.
  const own = path.resolve(path.dirname(process.execPath), '..');
  const nodedir = env.npm_config_nodedir || (existsSync(path.join(own, 'include', 'node', 'common.gypi')) ? own : '');
  const r = nodeGypRebuild(repoRoot, nodedir ? ['--nodedir', nodedir] : [], env, false);
  const built = builtAddons()[0];
  const why = r.status !== 0 ? `node-gyp exited with ${r.status}` : !built ? 'no .node produced'
    : elfArch(built) !== process.arch ? `it came out as ${elfArch(built)} (check CC)` : loadError(built);
  if (why) {
    rmSync(buildDir, { recursive: true, force: true });
    say(`V4L2 addon not built (${why}; it needs Linux and a C compiler, Debian: apt-get install build-essential); ` +
      'source.type v4l2 will be unavailable');
    return;
  }
  say(`V4L2 addon built from source: ${path.relative(repoRoot, built)}`);
}

try {
  main();
} catch (err) {
  say(`V4L2 addon setup failed (${err instanceof Error ? err.message : err}); source.type v4l2 will be unavailable`);
}
