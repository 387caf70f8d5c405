// Debian's Janus (the `janus` package, 1.1) inside a test's network
// namespace (netns.ts), run from a temp copy of deploy/janus/ with the
// ports the test wants, so the test proves the shipped config. The process
// is tied to the test (spawnTied: the kernel kills it if the test process
// dies) and to the owning test's teardown; kill() and restart() let a test
// take Janus away and bring it back on the same config.

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findExecutable, spawnTied } from '../../lib/util/spawn-tied.js';
import type { Owner } from './child-server.js';
import type { NetNs } from './netns.js';
import { waitFor } from './wait.js';

export interface JanusOptions {
  /** The mountpoint's video RTP port (default: as shipped, 5004). */
  videoPort?: number;
  /** The mountpoint's RTP payload type (default: as shipped, 96). */
  payloadType?: number;
  /** Janus's HTTP API port (default: as shipped, 8088). */
  httpPort?: number;
  /** Janus's debug_level 0-7 (default: as shipped). */
  debugLevel?: number;
  /** SRTP on the mountpoint (the shipped, commented srtpsuite/srtpcrypto lines): suite 80 and this base64 key. */
  srtpKey?: string;
}

export interface JanusServer {
  /** The HTTP API root, e.g. http://10.213.7.2:8088/janus. */
  base: string;
  /** The shipped mountpoint's id (deploy/janus/janus.plugin.streaming.jcfg). */
  mountpointId: number;
  /** The current process's pid (changes at restart()). */
  pid(): number;
  /** CPU time (user + system) the current Janus process has used, ms (from /proc; the tests print Janus's share over a window). */
  cpuMs(): number;
  /** What Janus printed so far (the newest 256 kB, across restarts). */
  output(): string;
  /** SIGKILLs Janus and waits for its exit (no goodbye to viewers or senders: a crash). */
  kill(): Promise<void>;
  /** Starts Janus again on the same config and waits for its API. */
  restart(): Promise<void>;
  /** Stops Janus and deletes its config folder; idempotent (the owner's teardown calls it). */
  close(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** deploy/janus in the source tree, from dist/test/helpers. */
export const DEPLOY_JANUS = path.resolve(here, '../../../deploy/janus');
const FILES = ['janus.jcfg', 'janus.plugin.streaming.jcfg', 'janus.transport.http.jcfg'];
/** The id of the shipped mountpoint. */
const MOUNTPOINT_ID = 1;
/** Output kept: start-up and error lines; a debug_level 7 flood must not grow the test's memory. */
const MAX_OUTPUT = 256 * 1024;
/** Janus starts in ~0.1 s; a loaded 2-core CI machine gets generous room. */
const START_TIMEOUT_MS = 15000;

/** Linux's USER_HZ: /proc/PID/stat counts CPU time in 1/100 s on every architecture Node runs on. */
const CLOCK_TICKS_PER_S = 100;

/** utime + stime of `pid` in ms; 0 when the process is gone. */
function procCpuMs(pid: number): number {
  try {
    // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return 0;
  }
}

/** The reason Janus cannot run here (not installed), or null. */
export function janusMissing(): string | null {
  return findExecutable('janus') ? null : 'janus is not installed (apt-get install janus; .ci/run installs it)';
}

/**
 * Replaces the one match of `re` in `text` with `by` (kept as shipped when
 * `by` is undefined), failing loudly when deploy/janus no longer has
 * exactly one such line.
 */
function replaceOnce(text: string, re: RegExp, by: string | undefined, file: string): string {
  const n = text.match(new RegExp(re.source, 'gm'))?.length ?? 0;
  if (n !== 1) throw new Error(`deploy/janus/${file}: expected one match of ${re} to adapt for the test, found ${n}`);
  return by === undefined ? text : text.replace(new RegExp(re.source, 'm'), by);
}

const opt = <T>(v: T | undefined, line: (v: T) => string) => (v === undefined ? undefined : line(v));

/**
 * A temp copy of deploy/janus adapted to the namespace: configs_folder is
 * the copy, ICE gathers on the namespace's veth only, the HTTP API binds
 * the namespace address, and the mountpoint/API ports are the test's.
 */
export function writeJanusConfig(ns: NetNs, o: JanusOptions = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-janus-'));
  const src = Object.fromEntries(FILES.map((f) => [f, readFileSync(path.join(DEPLOY_JANUS, f), 'utf8')]));
  let core = src['janus.jcfg'];
  core = replaceOnce(core, /^\s*configs_folder = .*$/, `\tconfigs_folder = "${dir}"`, 'janus.jcfg');
  core = replaceOnce(core, /^\s*debug_level = .*$/, opt(o.debugLevel, (v) => `\tdebug_level = ${v}`), 'janus.jcfg');
  core = replaceOnce(core, /^\s*ice_ignore_list = .*$/, `\tice_enforce_list = "${ns.nsIf}"`, 'janus.jcfg');
  let http = src['janus.transport.http.jcfg'];
  http = replaceOnce(http, /^\s*port = \d+$/, opt(o.httpPort, (v) => `\tport = ${v}`), 'janus.transport.http.jcfg');
  http = replaceOnce(http, /^\s*#ip = .*$/, `\tip = "${ns.nsAddr}"`, 'janus.transport.http.jcfg');
  let streaming = src['janus.plugin.streaming.jcfg'];
  streaming = replaceOnce(streaming, /^\s*port = \d+$/, opt(o.videoPort, (v) => `\t\t\tport = ${v}`), 'janus.plugin.streaming.jcfg');
  streaming = replaceOnce(streaming, /^\s*pt = \d+$/, opt(o.payloadType, (v) => `\t\t\tpt = ${v}`), 'janus.plugin.streaming.jcfg');
  streaming = replaceOnce(streaming, /^\s*#srtpsuite = 80$/, opt(o.srtpKey, () => '\tsrtpsuite = 80'), 'janus.plugin.streaming.jcfg');
  streaming = replaceOnce(streaming, /^\s*#srtpcrypto = .*$/, opt(o.srtpKey, (v) => `\tsrtpcrypto = "${v}"`), 'janus.plugin.streaming.jcfg');
  writeFileSync(path.join(dir, 'janus.jcfg'), core);
  writeFileSync(path.join(dir, 'janus.transport.http.jcfg'), http);
  writeFileSync(path.join(dir, 'janus.plugin.streaming.jcfg'), streaming);
  return dir;
}

/** Starts Janus in `ns` on a copy of deploy/janus and waits until its HTTP API answers /info. */
export async function startJanus(t: Owner, ns: NetNs, o: JanusOptions = {}): Promise<JanusServer> {
  const missing = janusMissing();
  if (missing) throw new Error(missing);
  const dir = writeJanusConfig(ns, o);
  const httpPort = o.httpPort ?? Number(/^\s*port = (\d+)$/m.exec(readFileSync(path.join(dir, 'janus.transport.http.jcfg'), 'utf8'))![1]);
  const base = `http://${ns.nsAddr}:${httpPort}/janus`;
  let out = '';
  let proc: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const spawnOne = async (): Promise<void> => {
    const p = spawnTied(findExecutable('ip')!, ['netns', 'exec', ns.name, 'janus', '-F', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc = p;
    const keep = (d: Buffer) => {
      out += d;
      if (out.length > MAX_OUTPUT) out = out.slice(-MAX_OUTPUT / 2);
    };
    p.stdout!.on('data', keep);
    p.stderr!.on('data', keep);
    exited = new Promise((r) => p.once('exit', () => r()));
    let gone = false;
    void exited.then(() => (gone = true));
    await waitFor(async () => {
      if (gone) throw new Error(`janus exited during start-up:\n${out.slice(-4000)}`);
      try {
        const res = await fetch(`${base}/info`, { signal: AbortSignal.timeout(1000) });
        return res.ok && ((await res.json()) as { janus?: string }).janus === 'server_info';
      } catch {
        return false;
      }
    }, `janus's HTTP API at ${base}/info`, { timeoutMs: START_TIMEOUT_MS, everyMs: 100 });
  };

  const kill = async (): Promise<void> => {
    const p = proc as ChildProcess | null;
    if (p && p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await exited;
  };

  let closing: Promise<void> | null = null;
  const close = () => (closing ??= kill().then(() => rmSync(dir, { recursive: true, force: true })));
  t.teardown(close);
  await spawnOne();
  return {
    base,
    mountpointId: MOUNTPOINT_ID,
    pid: () => (proc as ChildProcess | null)?.pid ?? -1,
    cpuMs: () => procCpuMs((proc as ChildProcess | null)?.pid ?? -1),
    output: () => out,
    kill,
    async restart() {
      await kill();
      await spawnOne();
    },
    close,
  };
}
