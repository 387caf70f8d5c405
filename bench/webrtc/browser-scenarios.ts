// (c) first-frame time for a joining peer and (d) capture→display latency,
// both in Debian's headless Chromium against the rig in this process.
// Latency: the page reads the frame code of every picture it presents
// (requestVideoFrameCallback) and the rig knows when that frame was
// captured; both clocks are this machine's. First frame: from the page's
// connect() to its first presented picture, joining at a random GOP phase.

import type { Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { NdcReceiver } from './ndc-receiver.js';
import { startRig, type Rig } from './rig.js';

export interface Percentiles { n: number; p50: number; p90: number; p99: number; max: number }

export interface LatencyResult {
  framing: 'flv' | 'annexb';
  /** Capture → presented (composited) in the page, ms. */
  display: Percentiles;
  /** Capture → last packet received by the page, ms. */
  receive: Percentiles;
  /** Presented frames whose code could not be read. */
  unreadable: number;
}

export interface FirstFrameResult {
  /** Chromium: connect() → first presented picture, ms. */
  chromium: Percentiles;
  /** node-datachannel viewer over WHEP: offer → first complete keyframe received, ms. */
  datachannel: Percentiles;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function percentiles(values: number[]): Percentiles {
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number) => (v.length ? Math.round(v[Math.min(v.length - 1, Math.floor(q * v.length))] * 10) / 10 : NaN);
  return { n: v.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: v.length ? Math.round(v[v.length - 1] * 10) / 10 : NaN };
}

async function waitFirstFrame(page: Page, ms: number): Promise<number> {
  const end = performance.now() + ms;
  for (;;) {
    const first = (await page.evaluate('viewer.firstFrameAt')) as number;
    if (first) return first;
    if (performance.now() > end) throw new Error(`no picture within ${ms} ms: ${JSON.stringify(await page.evaluate('viewer.errors'))}`);
    await sleep(10);
  }
}

export async function runLatency(o: { seconds: number; framing: 'flv' | 'annexb'; log: (s: string) => void }): Promise<LatencyResult> {
  const rig = await startRig({ alwaysOn: true, encoder: { framing: o.framing } });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${rig.base}/`);
    await page.evaluate(`viewer.connect('ws')`);
    await waitFirstFrame(page, 10_000);
    await sleep(2000); // past the GOP replay and the jitter buffer's settling
    await page.evaluate('viewer.displayed.length = 0');
    await sleep(o.seconds * 1000);
    const shown = (await page.evaluate('viewer.displayed')) as { frame: number; presented: number; received: number }[];
    const display: number[] = [];
    const receive: number[] = [];
    let unreadable = 0;
    for (const d of shown) {
      const captured = rig.feeder.captureMs(d.frame);
      if (d.frame < 0 || Number.isNaN(captured)) {
        unreadable++;
        continue;
      }
      display.push(d.presented - captured);
      if (d.received) receive.push(d.received - captured);
    }
    return { framing: o.framing, display: percentiles(display), receive: percentiles(receive), unreadable };
  } finally {
    await browser.dispose();
    await rig.close();
  }
}

export async function runFirstFrame(o: { joins: number; log: (s: string) => void }): Promise<FirstFrameResult> {
  const rig: Rig = await startRig({ alwaysOn: true });
  const browser = await launchChromium();
  try {
    while (rig.encoder.stats().keyframes < 1) await sleep(20);
    const chromium: number[] = [];
    for (let i = 0; i < o.joins; i++) {
      const page = await browser.newPage();
      await page.goto(`${rig.base}/`);
      await sleep(Math.random() * 1000); // a random phase of the 1 s GOP
      await page.evaluate(`viewer.connect('ws')`);
      const start = (await page.evaluate('viewer.startedAt')) as number;
      chromium.push((await waitFirstFrame(page, 5000)) - start);
      await page.close();
    }
    const datachannel: number[] = [];
    for (let i = 0; i < o.joins; i++) {
      await sleep(Math.random() * 1000);
      const v = new NdcReceiver({ trickle: true });
      const s = await rig.whep.createSession(await v.offer());
      v.accept(s.answerSdp);
      rig.whep.patch(s.id, ['a=mid:0', ...v.candidates.map((c) => `a=${c.candidate.replace(/^a=/, '')}`)].join('\r\n'));
      const end = performance.now() + 5000;
      while (!v.firstKeyframeAt && performance.now() < end) await sleep(5);
      if (v.firstKeyframeAt) datachannel.push(v.firstKeyframeAt - v.startedAt);
      v.close();
      rig.whep.deleteSession(s.id);
    }
    return { chromium: percentiles(chromium), datachannel: percentiles(datachannel) };
  } finally {
    await browser.dispose();
    await rig.close();
  }
}
