// GET / and /app/*: the dashboard's files from memory (lib/http/web-assets.ts,
// lib/http/routes/page.ts): types, ETag revalidation, gzip, the whitelist
// against traversal, and the first-load size budget of the issue (≤ 200 KB
// compressed). Raw node:http requests: fetch would normalise `..` away and
// decompress on its own.

import t from 'tap';
import http from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { startInProcess } from '../helpers/in-process.js';
import { packageRoot } from '../../lib/config/paths.js';

interface Raw { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

function get(port: number, rawPath: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method: 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Every file under `dir` (relative, '/'-separated). */
function files(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? files(dir, r) : [r];
  });
}

t.test('/ is the dashboard; /app/main.js is JavaScript; ETag revalidates to 304', async (t) => {
  const srv = await startInProcess(t);
  const page = await get(srv.port, '/');
  t.equal(page.status, 200);
  t.match(page.headers['content-type'], /^text\/html/);
  t.equal(page.body.toString(), readFileSync(path.join(packageRoot, 'web/static/index.html'), 'utf8'), 'the file in web/static');
  t.match(page.body.toString(), /<script type="module" src="app\/main\.js">/);

  const js = await get(srv.port, '/app/main.js');
  t.equal(js.status, 200);
  t.match(js.headers['content-type'], /^text\/javascript/);
  t.same(js.body, readFileSync(path.join(packageRoot, 'dist/web/main.js')), 'the compiled dist/web/main.js');
  const css = await get(srv.port, '/app/app.css');
  t.match(css.headers['content-type'], /^text\/css/);

  for (const [p, r] of [['/', page], ['/app/main.js', js]] as const) {
    const etag = r.headers.etag!;
    t.match(etag, /^"[A-Za-z0-9_-]{22}"$/, `${p}: strong ETag`);
    t.equal(r.headers['cache-control'], 'no-cache', `${p}: revalidated on each load`);
    const again = await get(srv.port, p, { 'if-none-match': etag });
    t.equal(again.status, 304, `${p}: If-None-Match → 304`);
    t.equal(again.body.length, 0, `${p}: no body`);
    t.equal(again.headers.etag, etag);
    const stale = await get(srv.port, p, { 'if-none-match': '"something-else-entirely"' });
    t.equal(stale.status, 200, `${p}: another ETag → 200`);
  }
  t.not(page.headers.etag, js.headers.etag, 'ETags differ per file');
});

t.test('gzip when the client takes it, identity otherwise', async (t) => {
  const srv = await startInProcess(t);
  const plain = await get(srv.port, '/app/main.js');
  t.equal(plain.headers['content-encoding'], undefined, 'no Accept-Encoding: identity');
  const gz = await get(srv.port, '/app/main.js', { 'accept-encoding': 'gzip, deflate, br' });
  t.equal(gz.headers['content-encoding'], 'gzip');
  t.match(gz.headers.vary, /Accept-Encoding/);
  t.ok(gz.body.length < plain.body.length, `smaller: ${gz.body.length} < ${plain.body.length} B`);
  t.same(gunzipSync(gz.body), plain.body, 'decompresses to the file');
  const br = await get(srv.port, '/app/main.js', { 'accept-encoding': 'br' });
  t.equal(br.headers['content-encoding'], undefined, 'only br offered: identity');
});

t.test('only the dashboard\'s files: unknown names and traversal are 404', async (t) => {
  const srv = await startInProcess(t);
  for (const p of ['/app/nope.js', '/app/', '/app/../package.json', '/app/%2e%2e/package.json', '/app/%2e%2e/', '/app/..%2fpackage.json',
    '/app/index.html', '/app/../../etc/passwd', '/app//etc/passwd', '/app/main.ts', '/app/tsconfig.json']) {
    const r = await get(srv.port, p);
    t.equal(r.status, 404, `${p}: 404`);
    t.notMatch(r.body.toString(), /"name":\s*"skyfeed"|root:/, `${p}: no file content`);
  }
});

t.test('first load: every asset the page can load is ≤ 200 KB gzip in total', async (t) => {
  const srv = await startInProcess(t);
  const dirs = [path.join(packageRoot, 'web/static'), path.join(packageRoot, 'dist/web')];
  let raw = 0;
  let compressed = 0;
  let served = 0;
  const rows: string[] = [];
  for (const dir of dirs) {
    for (const f of files(dir)) {
      if (!/\.(html|css|js|svg|png|json)$/.test(f)) continue;
      const body = readFileSync(path.join(dir, f));
      const gz = Math.min(gzipSync(body, { level: 9 }).length, body.length);
      raw += statSync(path.join(dir, f)).size;
      compressed += gz;
      rows.push(`${f} ${body.length}/${gz}`);
      const r = await get(srv.port, f === 'index.html' ? '/' : `/app/${f}`, { 'accept-encoding': 'gzip' });
      t.equal(r.status, 200, `${f} is served`);
      served += r.body.length;
    }
  }
  t.comment(`assets: ${rows.length} files, ${raw} B raw, ${compressed} B gzip (served ${served} B); ${rows.join(', ')}`);
  t.ok(rows.length > 3, 'the page, its CSS and its scripts');
  t.ok(compressed <= 200 * 1024, `first load ${(compressed / 1024).toFixed(1)} KB gzip ≤ 200 KB`);
  t.ok(served <= 200 * 1024, `as served: ${(served / 1024).toFixed(1)} KB`);
});
