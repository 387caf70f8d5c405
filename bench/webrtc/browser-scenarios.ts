// (c) first-frame time for a joining WebRTC peer and (d) capture→display
// latency for MJPEG, WebSocket and WebRTC, in Debian's headless Chromium
// against the real server (its own process, synthetic camera with
// source.frame_code on). The camera draws each frame's capture time into
// the picture; the page reads it back from what it displays and subtracts
// it from its own clock (the same machine's). First frame: from the page's
// connect() to its first presented picture, joining at a random GOP phase.

import { codeAgeMs } from '../../lib/index.js';
import { launchChromium } from './chromium.js';
import { startWebRtcServer } from './cpu-scenario.js';
import { NdcReceiver } from './ndc-receiver.js';
import { openViewerPage } from './viewer-page.js';

export interface Percentiles { n: number; p50: number; p90: number; p99: number; max: number }

export type LatencyTransport = 'mjpeg' | 'ws' | 'webrtc';

export interface LatencyResult {
  transport: LatencyTransport;
  /** Capture → on screen in the page, ms (WebRTC: presentation time; JPEG transports: the animation frame that first drew it). */
  display: Percentiles;
  /** Capture → received by the page, ms (WebRTC: last packet; WS: message; MJPEG: not observable). */
  receive: Percentiles;
  /** Presented pictures whose code could not be read. */
  unreadable: number;
}

export interface FirstFrameResult {
  /** Chromium: connect() → first presented picture, ms. */
  chromium: Percentiles;
  /** node-datachannel viewer over WHEP: offer → first complete keyframe received, ms. */
  datachannel: Percentiles;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HEIGHT = 480;

export function percentiles(values: number[]): Percentiles {
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number) => (v.length ? Math.round(v[Math.min(v.length - 1, Math.floor(q * v.length))] * 10) / 10 : NaN);
  return { n: v.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: v.length ? Math.round(v[v.length - 1] * 10) / 10 : NaN };
}

async function waitFirstFrame(page: { evaluate(s: string): Promise<unknown> }, ms: number): Promise<number> {
  const end = performance.now() + ms;
  for (;;) {
    const first = (await page.evaluate('viewer.firstFrameAt')) as number;
    if (first) return first;
    if (performance.now() > end) throw new Error(`no picture within ${ms} ms: ${JSON.stringify(await page.evaluate('viewer.errors'))}`);
    await sleep(10);
  }
}

/** Latency per transport, one page at a time (a background tab is throttled). */
export async function runLatency(o: { seconds: number; transports: LatencyTransport[]; log: (s: string) => void }): Promise<LatencyResult[]> {
  const server = await startWebRtcServer({ maxPeers: 8 });
  const base = `http://127.0.0.1:${server.port}`;
  const browser = await launchChromium();
  const out: LatencyResult[] = [];
  try {
    for (const transport of o.transports) {
      o.log(`  ${transport}`);
      const page = await openViewerPage(browser, base, HEIGHT);
      await page.evaluate(transport === 'webrtc' ? `viewer.connect('ws')` : `viewer.connectJpeg(${JSON.stringify(transport)})`);
      await waitFirstFrame(page, 10_000);
      await sleep(2000); // past the GOP replay and the jitter buffer's settling
      await page.evaluate('viewer.displayed.length = 0');
      await sleep(o.seconds * 1000);
      const shown = (await page.evaluate('viewer.displayed')) as { frame: number; presented: number; received: number }[];
      await page.evaluate('viewer.close()');
      await page.close();
      const display: number[] = [];
      const receive: number[] = [];
      let unreadable = 0;
      for (const d of shown) {
        if (d.frame < 0) {
          unreadable++;
          continue;
        }
        const age = (t: number) => codeAgeMs(d.frame, t);
        display.push(age(d.presented));
        if (d.received) receive.push(age(d.received));
      }
      out.push({ transport, display: percentiles(display), receive: percentiles(receive), unreadable });
    }
    return out;
  } finally {
    await browser.dispose();
    await server.stop();
  }
}

export async function runFirstFrame(o: { joins: number; log: (s: string) => void }): Promise<FirstFrameResult> {
  const server = await startWebRtcServer({ maxPeers: 8 });
  const base = `http://127.0.0.1:${server.port}`;
  const browser = await launchChromium();
  try {
    const chromium: number[] = [];
    for (let i = 0; i < o.joins; i++) {
      const page = await openViewerPage(browser, base, HEIGHT);
      await sleep(Math.random() * 1000); // a random phase of the 1 s GOP
      await page.evaluate(`viewer.connect('ws')`);
      const start = (await page.evaluate('viewer.startedAt')) as number;
      chromium.push((await waitFirstFrame(page, 5000)) - start);
      await page.evaluate('viewer.close()');
      await page.close();
    }
    const datachannel: number[] = [];
    for (let i = 0; i < o.joins; i++) {
      await sleep(Math.random() * 1000);
      const v = new NdcReceiver({ trickle: true });
      try {
        const res = await fetch(`${base}/whep`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: await v.offer() });
        if (res.status !== 201) throw new Error(`WHEP ${res.status} ${await res.text()}`);
        const location = res.headers.get('location')!;
        v.accept(await res.text());
        const frag = ['a=mid:0', ...v.candidates.map((c) => `a=${c.candidate.replace(/^a=/, '')}`)].join('\r\n');
        await fetch(`${base}${location}`, { method: 'PATCH', headers: { 'Content-Type': 'application/trickle-ice-sdpfrag' }, body: frag });
        const end = performance.now() + 5000;
        while (!v.firstKeyframeAt && performance.now() < end) await sleep(5);
        if (v.firstKeyframeAt) datachannel.push(v.firstKeyframeAt - v.startedAt);
        await fetch(`${base}${location}`, { method: 'DELETE' });
      } finally {
        v.close();
      }
    }
    return { chromium: percentiles(chromium), datachannel: percentiles(datachannel) };
  } finally {
    await browser.dispose();
    await server.stop();
  }
}
