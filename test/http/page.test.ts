// GET / and /app/*: the dashboard's files with ETags (304), gzip, a 404 for
// anything else, a first load under the 200 KB compressed budget;
// and in real Chromium, with viewer_access token, the header form logs in
// and the video plays.

import { gunzipSync } from 'node:zlib';
import t from 'tap';
import { launchChromium } from '../helpers/browser.js';
import { TEST_ADMIN_TOKEN } from '../helpers/child-server.js';
import { startInProcess } from '../helpers/in-process.js';

/** The modules main.js pulls in, transitively, by their `from './x.js'` imports. */
async function moduleGraph(base: string): Promise<Set<string>> {
  const seen = new Set<string>();
  const todo = ['main.js'];
  while (todo.length) {
    const name = todo.pop()!;
    if (seen.has(name)) continue;
    const r = await fetch(`${base}/app/${name}`);
    if (r.status !== 200) throw new Error(`/app/${name}: ${r.status}`);
    seen.add(name);
    const text = await r.text();
    const dir = name.includes('/') ? name.slice(0, name.lastIndexOf('/') + 1) : '';
    for (const m of text.matchAll(/from '(\.{1,2}\/[^']+)'/g)) todo.push(new URL(m[1], `http://x/${dir}`).pathname.slice(1));
  }
  return seen;
}

t.test('assets: ETag and 304, gzip, 404, first load ≤ 200 KB compressed', async (t) => {
  const srv = await startInProcess(t);
  const page = await fetch(`${srv.base}/`);
  t.equal(page.status, 200);
  t.match(page.headers.get('content-type'), /text\/html/);
  const html = await page.text();
  for (const id of ['video-panel', 'controls-panel', 'telemetry-panel', 'charts-panel', 'config-panel', 'about', 'login', 'token']) {
    t.match(html, `id="${id}"`, `the page has #${id}`);
  }
  t.notMatch(html, /https?:\/\/(?!127)/, 'no external URL in the page');
  const etag = page.headers.get('etag')!;
  t.ok(etag, 'an ETag');
  t.equal((await fetch(`${srv.base}/`, { headers: { 'If-None-Match': etag } })).status, 304, 'revalidation answers 304');
  t.equal((await fetch(`${srv.base}/app/nope.js`)).status, 404, 'an unknown file is a 404');
  t.equal((await fetch(`${srv.base}/app/index.html`)).status, 404, 'the page is served at / only');

  // Raw bytes on the wire (node's fetch would decode gzip): ask with a plain socket-level request via http.
  const { request } = await import('node:http');
  const wire = (path: string) => new Promise<{ bytes: number; encoding: string | undefined }>((resolve, reject) => {
    request(`${srv.base}${path}`, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        if (res.headers['content-encoding'] === 'gzip') gunzipSync(body); // must be valid gzip
        resolve({ bytes: body.length, encoding: res.headers['content-encoding'] });
      });
    }).on('error', reject).end();
  });
  const modules = await moduleGraph(srv.base);
  t.ok(modules.has('video/video-panel.js') && modules.has('panels/telemetry-panel.js'), `modules: ${[...modules.keys()].join(', ')}`);
  let total = 0;
  for (const p of ['/', '/app/app.css', ...[...modules.keys()].map((m) => `/app/${m}`)]) {
    const w = await wire(p);
    if (p === '/' || p.endsWith('main.js')) t.equal(w.encoding, 'gzip', `${p} is sent gzipped`);
    total += w.bytes;
  }
  t.ok(total <= 200 * 1024, `first load ${(total / 1024).toFixed(1)} KB compressed (${modules.size + 2} files)`);
});

t.test('with viewer_access token the header form logs in and the video plays', async (t) => {
  const srv = await startInProcess(t, { auth: { viewer_access: 'token' } });
  const browser = await launchChromium(t);
  if (!browser) return;
  const page = await browser.newPage();
  await page.goto(`${srv.base}/`);
  await page.waitForSelector('#login:not(.hidden)', { timeout: 10000 });
  t.equal(await page.textContent('#role'), 'no access: log in');
  await page.fill('#token', 'sf_wrong_token_value');
  await page.click('#login button');
  await page.waitForFunction(`document.getElementById('login-msg').textContent !== ''`, undefined, { timeout: 5000 });
  t.match(await page.textContent('#login-msg'), /token/i, `wrong token: ${await page.textContent('#login-msg')}`);
  await page.fill('#token', TEST_ADMIN_TOKEN);
  await page.click('#login button');
  await page.waitForFunction(`document.getElementById('role').textContent.startsWith('admin')`, undefined, { timeout: 5000 });
  await page.selectOption('#transport', 'mjpeg');
  await page.waitForFunction(`Number(document.getElementById('video-panel').dataset.frames) >= 5`, undefined, { timeout: 15000 });
  t.pass('the stream plays with the session cookie');
});
