// Debian's headless Chromium for the WebRTC tests and bench (never a downloaded one),
// with the flags that make it gather loopback candidates and show real IPs
// instead of mDNS names, and a fresh profile per launch.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns', '--autoplay-policy=no-user-gesture-required',
];

export async function launchChromium(): Promise<BrowserContext & { dispose(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (this test needs it and does not skip)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-chromium-'));
  const ctx = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return Object.assign(ctx, {
    async dispose() {
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}
