// The committed prebuilds and the install step that chooses between them and
// a source build. Real files and real processes: the ELF headers are read
// from the committed binaries, and native/install.mjs runs in a scratch copy
// of the checkout with a planted build/ for the wrong CPU, a cross target and
// a missing prebuild.

import t from 'tap';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, closeSync, rmSync, symlinkSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasCommand, CC_MISSING } from '../helpers/tools.js';

interface ManifestEntry {
  file: string;
  arch: string;
  bytes: number;
  sha256: string;
  glibc: string;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const prebuilds = path.join(root, 'prebuilds');
const manifest = JSON.parse(readFileSync(path.join(prebuilds, 'manifest.json'), 'utf8')) as { sourceSha256: string; prebuilds: ManifestEntry[] };
/** ELF e_machine per Node arch. */
const MACHINE: Record<string, number> = { x64: 62, arm64: 183, arm: 40 };

function elfMachine(file: string): number {
  const b = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, b, 0, 20, 0);
  } finally {
    closeSync(fd);
  }
  if (b.readUInt32BE(0) !== 0x7f454c46) return -1;
  return b.readUInt16LE(18);
}

/** Runs `node args` in `cwd` with extra environment; returns status and output. */
function node(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_config_')));
  const r = spawnSync(process.execPath, args, { cwd, env: { ...clean, ...env }, encoding: 'utf8', timeout: 120000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** What node-gyp-build resolves for `dir` in a fresh Node of this machine. */
function resolved(dir: string): string {
  const r = node(dir, ['-e', 'console.log(require("node-gyp-build").path(process.cwd()))']);
  return r.status === 0 ? path.relative(dir, r.out.trim()) : `error: ${r.out}`;
}

/** A scratch checkout: the install inputs copied, node-gyp-build linked. */
function scratch(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-install-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const f of ['package.json', 'binding.gyp']) copyFileSync(path.join(root, f), path.join(dir, f));
  for (const d of ['native', 'prebuilds']) cpSync(path.join(root, d), path.join(dir, d), { recursive: true });
  mkdirSync(path.join(dir, 'node_modules'));
  for (const m of ['node-gyp-build', 'node-gyp']) symlinkSync(path.join(root, 'node_modules', m), path.join(dir, 'node_modules', m));
  return dir;
}

/** Plants `from` as build/Release/skyfeed_v4l2.node. */
function plantBuild(dir: string, from: string): void {
  mkdirSync(path.join(dir, 'build', 'Release'), { recursive: true });
  copyFileSync(from, path.join(dir, 'build', 'Release', 'skyfeed_v4l2.node'));
}

const entry = (arch: string) => manifest.prebuilds.find((e) => e.arch === arch)!;
/** The repository path of the prebuild for `arch`. */
const prebuilt = (arch: string) => `prebuilds/${entry(arch).file}`;

t.test('the committed prebuilds are what the manifest says, for the CPU their folder names', async (t) => {
  t.same(manifest.prebuilds.map((e) => e.arch).sort(), ['arm', 'arm64', 'x64']);
  for (const e of manifest.prebuilds) {
    const file = path.join(prebuilds, e.file);
    const bytes = readFileSync(file);
    t.equal(elfMachine(file), MACHINE[e.arch], `${e.file} is an ELF for ${e.arch}`);
    t.ok(e.file.startsWith(`linux-${e.arch}/`), `${e.file} sits in linux-${e.arch}/`);
    t.equal(bytes.length, e.bytes, `${e.file} size`);
    t.equal(createHash('sha256').update(bytes).digest('hex'), e.sha256, `${e.file} sha256`);
    const [major, minor] = e.glibc.split('.').map(Number);
    t.ok(e.glibc === 'none' || major < 2 || (major === 2 && minor <= 17), `${e.file} needs glibc ${e.glibc} (<= 2.17: any Pi OS, Jetson L4T)`);
  }
});

t.test('the prebuilds are built from the current native sources', async (t) => {
  const r = node(root, ['--input-type=module', '-e', 'import("./native/prebuild.mjs").then((m) => console.log(m.sourceHash()))']);
  t.equal(r.status, 0, 'exits 0');
  t.equal(r.out.trim(), manifest.sourceSha256, 'binding.gyp or native/v4l2.c changed since the prebuilds were made: run `npm run prebuilds`');
});

t.test('on this machine node-gyp-build picks the linux-x64 prebuild, which loads and has the addon API', async (t) => {
  t.equal(process.arch, 'x64', 'this test runs on x64 (CI)');
  const dir = scratch(t);
  t.equal(resolved(dir), prebuilt('x64'));
  const r = node(dir, ['-e', 'console.log(Object.keys(require("node-gyp-build")(process.cwd())).sort().join(","))']);
  t.equal(r.out.trim(), 'close,formats,open,querycap,read,setFormat,start');
});

t.test('install removes a build/ for another CPU and leaves the matching prebuild in charge', async (t) => {
  const dir = scratch(t);
  plantBuild(dir, path.join(root, prebuilt('arm64')));
  t.match(resolved(dir), /^build\/Release\//, 'before: node-gyp-build would load the arm64 build');
  const r = node(dir, ['native/install.mjs']);
  t.equal(r.status, 0, 'exits 0');
  t.match(r.out, /removing build\/ .*built for arm64, the target is x64/);
  t.notOk(existsSync(path.join(dir, 'build')), 'build/ is gone');
  t.equal(resolved(dir), prebuilt('x64'));
});

t.test('a cross install (npm --cpu=arm64) drops the host build and compiles nothing', async (t) => {
  const dir = scratch(t);
  plantBuild(dir, path.join(root, prebuilt('x64')));
  const r = node(dir, ['native/install.mjs'], { npm_config_cpu: 'arm64', npm_config_os: 'linux' });
  t.equal(r.status, 0, 'exits 0');
  t.match(r.out, /removing build\/ .*built for x64, the target is arm64/);
  t.match(r.out, new RegExp(`V4L2 addon for arm64: ${prebuilt('arm64')}`));
  t.notOk(existsSync(path.join(dir, 'build')), 'nothing was built for the host');
  rmSync(path.join(dir, 'prebuilds', 'linux-arm64'), { recursive: true });
  const none = node(dir, ['native/install.mjs'], { npm_config_cpu: 'arm64', npm_config_os: 'linux' });
  t.match(none.out, /no V4L2 addon for linux-arm64 \(no prebuild/, 'without the arm64 prebuild it says so');
  t.notOk(existsSync(path.join(dir, 'build')));
});

t.test('a build/ of the right CPU that loads is kept (a developer rebuilt the addon)', async (t) => {
  const dir = scratch(t);
  plantBuild(dir, path.join(root, prebuilt('x64')));
  const r = node(dir, ['native/install.mjs']);
  t.equal(r.status, 0, 'exits 0');
  t.match(r.out, /a local build\/ takes precedence/);
  t.equal(resolved(dir), 'build/Release/skyfeed_v4l2.node');
});

t.test('a build/ for this CPU that does not load is removed', async (t) => {
  const dir = scratch(t);
  mkdirSync(path.join(dir, 'build', 'Release'), { recursive: true });
  // An x64 ELF that is no addon: dlopen succeeds, but it registers no module.
  copyFileSync(path.join(root, prebuilt('x64')), path.join(dir, 'build', 'Release', 'skyfeed_v4l2.node'));
  const f = path.join(dir, 'build', 'Release', 'skyfeed_v4l2.node');
  const b = readFileSync(f);
  b.fill(0, 64, b.length); // header kept (still x64), the rest gone: the loader refuses it
  writeFileSync(f, b);
  const r = node(dir, ['native/install.mjs']);
  t.match(r.out, /removing build\/ .*skyfeed_v4l2\.node: /);
  t.equal(resolved(dir), prebuilt('x64'));
});

t.test('without a prebuild for this CPU the addon is compiled here', async (t) => {
  if (!hasCommand('cc', ['--version'])) return t.fail(CC_MISSING);
  const dir = scratch(t);
  rmSync(path.join(dir, 'prebuilds', 'linux-x64'), { recursive: true });
  const r = node(dir, ['native/install.mjs'], process.env.npm_config_nodedir ? { npm_config_nodedir: process.env.npm_config_nodedir } : {});
  t.equal(r.status, 0, 'exits 0');
  t.match(r.out, /no prebuilt V4L2 addon for linux-x64; building from source/);
  t.match(r.out, /V4L2 addon built from source: build\/Release\/skyfeed_v4l2\.node/);
  t.equal(elfMachine(path.join(dir, 'build', 'Release', 'skyfeed_v4l2.node')), MACHINE.x64);
  t.equal(resolved(dir), 'build/Release/skyfeed_v4l2.node');
});
