// Opening the dashboard in real Chromium against a real test server: console
// errors and page errors collected for the test to check, login through the
// header form, and readers for what the video panel exposes (data-*).

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { launchChromium, WEBRTC_LOOPBACK_ARGS } from '../helpers/browser.js';
import { iou } from '../helpers/boxes.js';
import { TEST_ADMIN_TOKEN } from '../helpers/child-server.js';
import type { InProcessServer } from '../helpers/in-process.js';

interface Owner { fail(message: string): void; teardown(fn: () => unknown): void }

/** Whether this build's server has /ws/telemetry (the other half of issue 14): then its failures count too. */
const TELEMETRY_ROUTE = existsSync(fileURLToPath(new URL('../../lib/http/routes/ws-telemetry.js', import.meta.url)));

/** The tests' one IoU (test/helpers/boxes.ts), for the page tests. */
export { iou };

export interface Dashboard {
  page: Page;
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[];
}

export const launch = (t: Owner): Promise<Browser | null> => launchChromium(t, WEBRTC_LOOPBACK_ARGS);

export async function openDashboard(
  browser: Browser, srv: InProcessServer, opts: { token?: string | null; width?: number; height?: number; transport?: string } = {},
): Promise<Dashboard> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const where = m.location().url;
    // /ws/telemetry lands with the server half of issue 14; until then the page polls (panels/feed.ts) and the socket's retries are expected.
    if (/\/ws\/telemetry/.test(m.text()) && !TELEMETRY_ROUTE) return;
    errors.push(`console: ${m.text()} (${where})`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${srv.base}/`);
  const token = opts.token === undefined ? TEST_ADMIN_TOKEN : opts.token;
  if (token) {
    await page.waitForSelector('#login:not(.hidden)');
    await page.fill('#token', token);
    await page.click('#login button');
    await page.waitForFunction(`document.getElementById('role').textContent.startsWith('admin')`, undefined, { timeout: 5000 });
  }
  if (opts.transport) await page.selectOption('#transport', opts.transport);
  return { page, errors };
}

export const frames = async (p: Page) => Number(await p.getAttribute('#video-panel', 'data-frames') ?? 0);

/** Waits until the panel shows `n` more frames over `transport`. */
export async function waitFrames(p: Page, transport: string, n: number, timeout = 20000): Promise<number> {
  await p.waitForFunction(`document.getElementById('video-panel').dataset.transport === ${JSON.stringify(transport)}`, undefined, { timeout });
  const from = await frames(p);
  await p.waitForFunction(
    `document.getElementById('video-panel').dataset.transport === ${JSON.stringify(transport)} && Number(document.getElementById('video-panel').dataset.frames) >= ${from + n}`,
    undefined, { timeout });
  return frames(p);
}

export interface Truth { frame_id: number; timestamp: number; targets: { id: number; class_name: string; bbox: number[]; visible: boolean }[] }

export async function truth(srv: InProcessServer, frameId?: number): Promise<Truth> {
  const r = await fetch(`${srv.base}/api/sim/targets${frameId === undefined ? '' : `?frame_id=${frameId}`}`);
  return await r.json() as Truth;
}


/** Frame pixel → page coordinates through the stage's letterboxed picture rect (read once). */
export async function pageMapper(p: Page, frameW = 640, frameH = 480): Promise<(x: number, y: number) => { x: number; y: number }> {
  const r = (await p.locator('#stage').boundingBox())!;
  const s = Math.min(r.width / frameW, r.height / frameH);
  const ox = r.x + (r.width - frameW * s) / 2;
  const oy = r.y + (r.height - frameH * s) / 2;
  return (x, y) => ({ x: ox + x * s, y: oy + y * s });
}

export async function toPage(p: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  return (await pageMapper(p))(x, y);
}

export async function json(srv: InProcessServer, path: string): Promise<any> {
  return (await fetch(`${srv.base}${path}`)).json();
}

/**
 * Drags a box over the synthetic car and waits for the page's start_tracking outcome (its text).
 * The car moves (≈40 px/s) and on this 2-core machine each input event is a round trip of 100-400 ms,
 * so the box leads the car by its velocity (from the truth history) times the measured cost of the calls.
 */
export async function dragOnCar(t: { comment(...m: unknown[]): void }, page: Page, srv: InProcessServer): Promise<string | null> {
  const map = await pageMapper(page);
  let c0 = performance.now();
  await page.mouse.move(5, 5);
  const perCall = performance.now() - c0;
  c0 = performance.now();
  const now = await truth(srv);
  const past = await truth(srv, now.frame_id - 10);
  const car = now.targets.find((x) => x.class_name === 'car')!;
  const carPast = past.targets.find((x) => x.class_name === 'car')!;
  const dt = now.timestamp - past.timestamp;
  const lead = (performance.now() - c0) / 1000 + (4 * perCall) / 1000;
  const [x, y, w, h] = car.bbox;
  const vx = (x - carPast.bbox[0]) / dt;
  const vy = (y - carPast.bbox[1]) / dt;
  const a = map(x + vx * lead, y + vy * lead);
  const b = map(x + w + vx * lead, y + h + vy * lead);
  await page.evaluate(`document.getElementById('command-result').dataset.command = ''`);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y);
  await page.mouse.up();
  t.comment(`car ${car.bbox} at frame ${now.frame_id}, velocity ${vx.toFixed(0)},${vy.toFixed(0)} px/s, lead ${lead.toFixed(2)} s`);
  await page.waitForFunction(`document.getElementById('command-result').dataset.command === 'start_tracking'`);
  return page.textContent('#command-result');
}

/** A screenshot for docs/, quantized to 16 colours (the camera's noise makes a full-colour PNG ~700 KB). */
export async function screenshot(page: Page, file: string): Promise<void> {
  const png = await page.screenshot();
  await sharp(png).png({ palette: true, colors: 16, compressionLevel: 9, effort: 10, dither: 0 }).toFile(file);
}

/** IoU of the box the server started on against the car on that frame (from the page's start_tracking line), or null. */
export async function startHit(srv: InProcessServer, started: string | null): Promise<number | null> {
  const m = /on \[(\d+), (\d+), (\d+), (\d+)\] \(frame (\d+)\)/.exec(started ?? '');
  if (!m) return null;
  const car = (await truth(srv, Number(m[5]))).targets.find((x) => x.class_name === 'car')!;
  return iou(m.slice(1, 5).map(Number), car.bbox);
}

/**
 * Drags on the car until the server starts on a box that covers it (IoU ≥ 0.5 on the start frame). A miss is
 * this loaded machine's input delay outrunning the lead (seconds, at start-up), and a refusal ("the camera
 * overwrote the frame") is the server's under load; an operator would drag again, and so does this, 4 times at most.
 */
export async function trackCar(t: { comment(...m: unknown[]): void }, page: Page, srv: InProcessServer, errors: string[]): Promise<string | null> {
  let started: string | null = null;
  for (let i = 0; i < 4; i += 1) {
    started = await dragOnCar(t, page, srv);
    const hit = await startHit(srv, started);
    t.comment(`${started} (IoU on the start frame ${hit?.toFixed(2)})`);
    if (hit !== null && hit >= 0.5) break;
    if (hit !== null) await page.keyboard.press('Escape');
  }
  // Chromium logs a refused start's 409 as a console error: that is the server's answer, not a page fault.
  errors.splice(0, errors.length, ...errors.filter((e) => !/status of 409 .*\/commands\/start_tracking/.test(e)));
  return started;
}
