// GET /: the minimal page, in a real headless Chromium (Debian's package).

import t from 'tap';
import { launchChromium } from '../helpers/browser.js';
import { TEST_ADMIN_TOKEN } from '../helpers/child-server.js';
import { startInProcess } from '../helpers/in-process.js';

t.test('the page shows the live stream and a stats line', async (t) => {
  const srv = await startInProcess(t);
  const browser = await launchChromium(t);
  if (!browser) return;
  const page = await browser.newPage();
  await page.goto(`${srv.base}/`);
  // The <img> is decoding the MJPEG stream: its size becomes the frame's.
  // (Expressions as strings: they run in the page, where the DOM exists.)
  await page.waitForFunction(
    `(() => { const img = document.getElementById('video'); return !!img && img.naturalWidth === 640 && img.naturalHeight === 480; })()`,
    undefined, { timeout: 10000 });
  await page.waitForFunction(`/capture [1-9]\\d*(\\.\\d)? fps.* sent [1-9]/.test(document.getElementById('stats').textContent)`, undefined, { timeout: 10000 });
  const line = await page.textContent('#stats');
  t.match(line, /clients 1 mjpeg \/ 0 ws/, `stats line: ${line}`);
  if (process.env.SKYFEED_SCREENSHOT) await page.screenshot({ path: process.env.SKYFEED_SCREENSHOT });
  const stats = await (await fetch(`${srv.base}/stats`)).json() as { http_connections: number; frames_sent: number };
  t.equal(stats.http_connections, 1, 'the browser holds one MJPEG stream');
  t.ok(stats.frames_sent > 5, `the browser received ${stats.frames_sent} frames`);
});

t.test('with viewer_access token the page asks for a token, logs in and plays', async (t) => {
  const srv = await startInProcess(t, { auth: { viewer_access: 'token' } });
  const browser = await launchChromium(t);
  if (!browser) return;
  const page = await browser.newPage();
  await page.goto(`${srv.base}/`);
  await page.waitForSelector('#login.shown', { timeout: 10000 });
  t.equal(await page.textContent('#stats'), 'log in to watch');
  await page.fill('#token', 'sf_wrong_token_value');
  await page.click('#login button');
  await page.waitForFunction(`document.getElementById('stats').textContent === 'wrong token'`, undefined, { timeout: 5000 });
  await page.fill('#token', TEST_ADMIN_TOKEN);
  await page.click('#login button');
  await page.waitForFunction(
    `(() => { const img = document.getElementById('video'); return img.naturalWidth === 640 && img.naturalHeight === 480; })()`,
    undefined, { timeout: 10000 });
  t.pass('the stream plays with the session cookie');
});
