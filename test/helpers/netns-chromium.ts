// Debian's headless Chromium run inside a test's network namespace, so its
// WebRTC host candidates are the namespace's veth address (where Janus is)
// and not a real LAN address. Playwright starts a wrapper script that
// enters the namespace and execs Chromium; the two talk over the
// --remote-debugging-pipe file descriptors, which `ip netns exec` passes on
// (a TCP debugging port would sit in the namespace, out of playwright's reach).

import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { findExecutable } from '../../lib/util/spawn-tied.js';
import { CHROMIUM } from './browser.js';
import type { Owner } from './child-server.js';
import type { NetNs } from './netns.js';

export const NETNS_CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns', '--autoplay-policy=no-user-gesture-required',
];

/** A browser context (fresh profile) whose Chromium runs in `ns`; closed by `t`'s teardown. */
export async function launchChromiumInNetns(t: Owner, ns: NetNs): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (this test needs it and does not skip)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-netns-chromium-'));
  const wrapper = path.join(dir, 'chromium-in-netns');
  writeFileSync(wrapper, `#!/bin/sh\nexec ${findExecutable('ip') ?? 'ip'} netns exec ${ns.name} ${CHROMIUM} "$@"\n`);
  chmodSync(wrapper, 0o755);
  let ctx: BrowserContext;
  try {
    ctx = await chromium.launchPersistentContext(path.join(dir, 'profile'), { executablePath: wrapper, args: NETNS_CHROMIUM_ARGS });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  let closing: Promise<void> | null = null;
  t.teardown(() => (closing ??= ctx.close().finally(() => rmSync(dir, { recursive: true, force: true }))));
  return ctx;
}
