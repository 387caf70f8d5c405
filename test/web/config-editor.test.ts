// The dashboard's config editor in a real headless Chromium against a real
// in-process server: a change made in the editor is saved (API and YAML
// file), an invalid value shows the server's own message next to the key,
// back-to-default and restore from the history work, a viewer sees no
// editor, and the page logs no errors.

import t from 'tap';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { TEST_ADMIN_TOKEN } from '../helpers/child-server.js';
import { startInProcess } from '../helpers/in-process.js';
import { call } from '../helpers/http.js';

/**
 * Console errors and uncaught exceptions. Chromium's own request for
 * /favicon.ico (404: the page names no icon) is not the dashboard's error;
 * web/static/index.html should carry `<link rel="icon" href="data:,">`.
 */
function watchErrors(page: Page): { errors: string[] } {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error' || m.location().url.endsWith('/favicon.ico')) return;
    errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return { errors };
}

const row = (key: string) => `#config-panel .cfg-row[data-key="${key}"]`;
const saved = (file: string) => parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;

t.test('an admin edits, sees the server\'s validation message, reverts and restores; the file follows', async (t) => {
  const srv = await startInProcess(t);
  const browser = await launchChromium(t);
  if (!browser) return;
  const page = await browser.newPage();
  const watch = watchErrors(page);
  await page.goto(`${srv.base}/`);

  // Anonymous (viewer_access open): a viewer, no editor.
  await page.waitForFunction(
    `document.querySelector('#config-panel .cfg-notice')?.textContent.startsWith('configuration needs the admin')`, undefined, { timeout: 10000 });
  t.equal(await page.locator('#config-panel .cfg-row').count(), 0, 'no editor rows for a viewer');

  await page.fill('#token', TEST_ADMIN_TOKEN);
  await page.click('#login button');
  await page.waitForSelector(row('streaming.quality'), { state: 'attached', timeout: 10000 });
  const sections = await page.locator('#config-panel details.cfg-section').count();
  t.ok(sections >= 5, `one block per section (${sections})`);

  // The generated inputs follow the schema.
  await page.click('#config-panel details[data-section="streaming"] > summary');
  const q = page.locator('#cfg-streaming-quality');
  t.equal(await q.getAttribute('type'), 'number');
  t.equal(await q.getAttribute('min'), '1');
  t.equal(await q.getAttribute('max'), '100');
  t.equal(await page.textContent(`${row('streaming.quality')} .cfg-tier`), 'live', 'quality applies live');
  t.equal(await page.textContent(`${row('streaming.width')} .cfg-tier`), 'server restart', 'width needs a restart');
  t.equal(await page.locator(`${row('streaming.enable_cache')} input[type=checkbox]`).count(), 1, 'a boolean is a checkbox');
  const before = (await call(srv.base, 'GET', '/api/config/current')).body.config.streaming.quality as number;
  const want = before === 42 ? 43 : 42;

  // A valid change: saved, applied live, in the API and in the YAML file.
  await q.fill(String(want));
  await page.click(`${row('streaming.quality')} .cfg-save`);
  await page.waitForFunction(`document.querySelector('${row('streaming.quality')} .cfg-msg.ok')?.textContent.startsWith('saved')`,
    undefined, { timeout: 5000 });
  t.match(await page.textContent(`${row('streaming.quality')} .cfg-msg`), /applied live/);
  t.equal((await call(srv.base, 'GET', '/api/config/current')).body.config.streaming.quality, want, 'GET /api/config/current shows it');
  t.equal(saved(srv.configFile).streaming?.quality, want, 'the YAML file has it');
  t.equal(srv.server.config.streaming.quality, want, 'the running server uses it');

  // An invalid value: the server's own message, inline, and nothing saved.
  const direct = await call(srv.base, 'PUT', '/api/config/streaming/quality', { value: 500 });
  t.equal(direct.status, 422);
  const detail = Array.isArray(direct.body.detail) ? direct.body.detail.join('; ') : String(direct.body.detail);
  await q.fill('500');
  await page.click(`${row('streaming.quality')} .cfg-save`);
  await page.waitForSelector(`${row('streaming.quality')} .cfg-msg.bad`, { timeout: 5000 });
  const shown = await page.textContent(`${row('streaming.quality')} .cfg-msg`);
  t.ok(shown?.includes(detail), `inline: "${shown}" carries the server's "${detail}"`);
  t.equal(saved(srv.configFile).streaming?.quality, want, 'the file is unchanged');

  // Back to the default.
  const def = (await call(srv.base, 'GET', '/api/config/default')).body.config.streaming.quality;
  await page.click(`${row('streaming.quality')} .cfg-revert`);
  await page.waitForFunction(
    `document.querySelector('${row('streaming.quality')} .cfg-msg.ok')?.textContent.startsWith('back to the')`, undefined, { timeout: 5000 });
  t.equal(await q.inputValue(), String(def), 'the input shows the default');
  t.equal((await call(srv.base, 'GET', '/api/config/current')).body.config.streaming.quality, def, 'the API shows the default');
  t.equal(saved(srv.configFile).streaming?.quality, undefined, 'the override is gone from the file');

  // The history lists both changes as old → new; restoring the backup taken before the revert brings the value back.
  await page.click('#config-panel .cfg-history > summary');
  await page.waitForFunction(`document.querySelectorAll('#config-panel .cfg-changes li button').length >= 2`, undefined, { timeout: 5000 });
  const first = await page.textContent('#config-panel .cfg-changes li:first-child');
  t.match(first, new RegExp(`revert streaming\\.quality: ${want} → ${def}`), `newest change: ${first}`);
  await page.click('#config-panel .cfg-changes li:first-child button.cfg-restore');
  await page.waitForFunction(`document.querySelector('#cfg-streaming-quality')?.value === '${want}'`, undefined, { timeout: 5000 });
  t.equal((await call(srv.base, 'GET', '/api/config/current')).body.config.streaming.quality, want, 'restored in the API');
  t.equal(saved(srv.configFile).streaming?.quality, want, 'restored in the file');

  // File-only keys are read-only with the reason.
  const fileOnly = page.locator('#config-panel .cfg-row:has(.cfg-file-only)').first();
  t.equal(await fileOnly.locator('.cfg-save').count(), 0, 'no save button on a file-only key');
  t.match(await fileOnly.locator('.cfg-why').textContent(), /file-only/);

  // The 422 above is the one error the browser logs on its own ("Failed to load resource").
  const unexpected = watch.errors.filter((e) => !/Failed to load resource: the server responded with a status of 422/.test(e));
  t.same(unexpected, [], 'no console errors');
});

t.test('with viewer_access open and no token the panel says it needs the admin role', async (t) => {
  const srv = await startInProcess(t, { auth: { viewer_access: 'open' } });
  const browser = await launchChromium(t);
  if (!browser) return;
  const page = await browser.newPage();
  const watch = watchErrors(page);
  await page.goto(`${srv.base}/`);
  await page.waitForFunction(`document.getElementById('role').textContent.length > 0 && document.getElementById('role').textContent !== ''`,
    undefined, { timeout: 10000 });
  await page.waitForFunction(`document.querySelector('#config-panel .cfg-notice')?.textContent.includes('admin role')`,
    undefined, { timeout: 10000 });
  t.match(await page.textContent('#config-panel'), /configuration needs the admin role/);
  t.equal(await page.locator('#config-panel .cfg-row, #config-panel input, #config-panel button').count(), 0, 'no editor, no inputs');
  t.same(watch.errors, [], 'no console errors');
});
