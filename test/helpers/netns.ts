// A network of the test's own: a network namespace joined to the root
// namespace by a veth pair, root side 10.213.N.1/30, namespace side
// 10.213.N.2/30, N from the test's pid (parallel test files do not clash).
// Janus's libnice gathers no loopback candidates, so Janus and the browser
// that watches it live in the namespace and meet on 10.213.N.2; the server
// under test (root namespace) reaches them over the veth, never over a real
// LAN address.
//
// Teardown deletes the pair and the namespace even when the test failed. A
// test process killed outright (SIGKILL, tap's timeout) runs no teardown:
// the next create() sweeps namespaces of ours whose pid is gone.

import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Owner } from './child-server.js';

export interface NetNs {
  /** Namespace name (`ip netns exec NAME ...`). */
  name: string;
  /** Root-side veth interface. */
  hostIf: string;
  /** Namespace-side veth interface. */
  nsIf: string;
  /** Root-side address (where the namespace sees the test's servers). */
  hostAddr: string;
  /** Namespace-side address (where Janus listens). */
  nsAddr: string;
  /** Deletes the veth pair and the namespace; idempotent. */
  close(): Promise<void>;
}

const run = promisify(execFile);
const IP = '/usr/sbin/ip';
/** Our namespaces are `sfj<pid>`: the sweep recognises them and their owner by name. */
const PREFIX = 'sfj';
const RUN_NETNS = '/run/netns';

async function ip(...args: string[]): Promise<string> {
  const { stdout } = await run(existsSync(IP) ? IP : 'ip', args, { timeout: 10000 });
  return stdout;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The reason network namespaces cannot be made here (not root, no CAP_SYS_ADMIN, no iproute2), or null when they can. */
export async function netnsUnavailable(): Promise<string | null> {
  const probe = `${PREFIX}probe${process.pid}`;
  try {
    await ip('netns', 'add', probe);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') return 'iproute2 (`ip`) is not installed';
    return `\`ip netns add\` failed (needs root or CAP_SYS_ADMIN): ${(e.stderr ?? e.message).trim()}`;
  }
  await ip('netns', 'del', probe).catch(() => undefined);
  return null;
}

/** Deletes namespaces (and their veths) left by test processes that died without a teardown. */
async function sweepStale(): Promise<void> {
  let names: string[] = [];
  try {
    names = readdirSync(RUN_NETNS);
  } catch {
    return;
  }
  for (const name of names) {
    const m = new RegExp(`^${PREFIX}(?:probe)?(\\d+)$`).exec(name);
    if (!m || pidAlive(Number(m[1]))) continue;
    await ip('link', 'del', `${PREFIX}${m[1]}h`).catch(() => undefined);
    await ip('netns', 'del', name).catch(() => undefined);
  }
}

/** Creates the namespace and veth pair, lo and the veth up on both sides; `t`'s teardown removes them. */
export async function createNetNs(t: Owner): Promise<NetNs> {
  await sweepStale();
  const pid = process.pid;
  const name = `${PREFIX}${pid}`;
  // 10.213.N.0/30, N in 1..250: two live test processes whose pids collide modulo 250
  // are unlikely; a clash fails loudly at `addr add`.
  const n = (pid % 250) + 1;
  const hostIf = `${name}h`;
  const nsIf = `${name}n`;
  const hostAddr = `10.213.${n}.1`;
  const nsAddr = `10.213.${n}.2`;
  let closing: Promise<void> | null = null;
  const close = () => (closing ??= (async () => {
    // Deleting one end deletes the pair; the namespace goes when its last process has left.
    await ip('link', 'del', hostIf).catch(() => undefined);
    await ip('netns', 'del', name).catch(() => undefined);
  })());
  t.teardown(close);
  try {
    await ip('netns', 'add', name);
    await ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    await ip('link', 'set', nsIf, 'netns', name);
    await ip('addr', 'add', `${hostAddr}/30`, 'dev', hostIf);
    await ip('link', 'set', hostIf, 'up');
    await ip('-n', name, 'addr', 'add', `${nsAddr}/30`, 'dev', nsIf);
    await ip('-n', name, 'link', 'set', nsIf, 'up');
    await ip('-n', name, 'link', 'set', 'lo', 'up');
  } catch (err) {
    await close();
    const e = err as Error & { stderr?: string };
    throw new Error(`creating netns ${name} (10.213.${n}.0/30) failed: ${(e.stderr ?? e.message).trim()}`);
  }
  return { name, hostIf, nsIf, hostAddr, nsAddr, close };
}
