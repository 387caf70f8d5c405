// Headless Chromium from Debian's package (never a downloaded browser),
// closed when the test ends. A missing browser is a failure that says what
// to install, not a skip: CI installs it (.ci/run).

import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const BASE_ARGS = ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-gpu',
  '--no-first-run', '--disable-component-update', '--disable-sync'];

/** Lets WebRTC gather 127.0.0.1 host candidates (loopback-only tests). */
export const WEBRTC_LOOPBACK_ARGS = ['--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns'];

interface Teardown { fail(message: string): void; teardown(fn: () => unknown): void }

/** The browser, or null after failing the test when Chromium is missing. */
export async function launchChromium(t: Teardown, extraArgs: string[] = []): Promise<Browser | null> {
  if (!existsSync(CHROMIUM)) {
    t.fail(`${CHROMIUM} is missing: apt-get install chromium`);
    return null;
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...BASE_ARGS, ...extraArgs] });
  t.teardown(() => browser.close());
  return browser;
}
