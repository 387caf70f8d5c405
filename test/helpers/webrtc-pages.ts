// Chromium pages that watch the real server over WebRTC (bench/webrtc's
// measuring viewer page, written into a tab on the server's origin), and
// what the tests read back from the browser's own getStats().

import type { Page } from 'playwright-core';
import { launchChromium } from '../../bench/webrtc/chromium.js';
import { openViewerPage } from '../../bench/webrtc/viewer-page.js';
import type { Owner } from './child-server.js';
import type { WebRtcServer } from './webrtc-server.js';

export interface PageStats { framesDecoded: number; frameWidth: number; frameHeight: number; packetsLost: number; keyFramesDecoded: number }
export type Mode = 'ws' | 'ws-server-offer' | 'ws-candidates-first' | 'whep';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Viewers {
  open(r: WebRtcServer, mode: Mode, connect?: boolean): Promise<Page>;
}

/** One browser for the file (closed by `t`'s teardown); pages on any test server. */
export async function chromiumViewers(t: Owner): Promise<Viewers> {
  const browser = await launchChromium();
  t.teardown(() => browser.dispose());
  return {
    async open(r, mode, connect = true) {
      const page = await openViewerPage(browser, r.base, r.server.config.streaming.height);
      if (connect) await page.evaluate(`viewer.connect(${JSON.stringify(mode)})`);
      return page;
    },
  };
}

export const pageStats = (p: Page) => p.evaluate('viewer.stats()') as Promise<PageStats | null>;

export async function waitDecoded(p: Page, n: number, ms: number): Promise<PageStats> {
  const end = performance.now() + ms;
  for (;;) {
    const s = await pageStats(p);
    if (s && s.framesDecoded >= n) return s;
    if (performance.now() > end) {
      const errors = await p.evaluate('viewer.errors');
      throw new Error(`page decoded ${s?.framesDecoded ?? 0} frames, wanted ${n} (errors: ${JSON.stringify(errors)})`);
    }
    await sleep(50);
  }
}
