import t from 'tap';
import { readFileSync } from 'node:fs';
import { parseJsonSafely, isJsonContentType } from '../../lib/http/body.js';
import { startInProcess } from '../helpers/in-process.js';
import { adminAuth, call } from '../helpers/http.js';

t.test('parser refuses prototype keys at any depth', async (t) => {
  for (const text of ['{"__proto__":{"x":1}}', '{"value":{"a":{"constructor":{"prototype":{}}}}}', '[{"prototype":1}]']) {
    t.throws(() => parseJsonSafely(text), /is not allowed/, text);
  }
  t.same(parseJsonSafely('{"value":{"proto":1}}'), { value: { proto: 1 } });
  t.equal(({} as Record<string, unknown>).x, undefined, 'Object.prototype untouched');
  t.ok(isJsonContentType('application/json; charset=utf-8'));
  t.ok(isJsonContentType('application/merge-patch+json'));
  t.notOk(isJsonContentType('text/plain'));
  t.notOk(isJsonContentType(''));
});

t.test('server: 413, 400, 415, 422 and forbidden keys; nothing is written', async (t) => {
  const srv = await startInProcess(t, { http: { max_body_bytes: 1024 }, rate_limit: { window_s: 60, max_requests: 1000, max_clients: 64 } });
  const before = readFileSync(srv.configFile, 'utf8');
  const put = '/api/config/streaming/quality';

  const big = JSON.stringify({ value: 'x'.repeat(2000) });
  const declared = await call(srv.base, 'PUT', put, big);
  t.equal(declared.status, 413, 'Content-Length over the limit');
  t.match(declared.body.detail, /exceeds 1024 bytes/);

  // Chunked upload: no Content-Length, the limit is enforced while streaming.
  const chunk = new TextEncoder().encode('x'.repeat(400));
  const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('{"value":"')); for (let i = 0; i < 10; i++) c.enqueue(chunk); c.enqueue(new TextEncoder().encode('"}')); c.close(); } });
  const chunked = await fetch(srv.base + put, { method: 'PUT', headers: { 'content-type': 'application/json', ...adminAuth() }, body: stream, duplex: 'half' } as RequestInit);
  t.equal(chunked.status, 413, 'streamed body over the limit');
  t.match(await chunked.json(), { detail: /exceeds/ });

  t.match(await call(srv.base, 'PUT', put, '{"value": 80'), { status: 400, body: { detail: /malformed JSON/ } });
  t.match(await call(srv.base, 'PUT', put, '{"value":1e999}'), { status: 422, body: { detail: /out of range \(it overflows a 64-bit float\)/ } },
    'a number that overflows is refused, not saved as null');
  t.match(await call(srv.base, 'PUT', put, ''), { status: 400 }, 'empty body where one is required');
  t.match(await call(srv.base, 'PUT', put, '{"value":80}', { 'content-type': 'text/plain' }), { status: 415 });
  const noType = await fetch(srv.base + put, { method: 'PUT', headers: adminAuth(), body: new Uint8Array(Buffer.from('{"value":80}')) });
  t.equal(noType.status, 415, 'no Content-Type');

  for (const key of ['__proto__', 'constructor', 'prototype']) {
    const r = await call(srv.base, 'PUT', '/api/config/http/cors', `{"value":{"origins":[],"allow_credentials":false,"max_age_s":1,"${key}":{"polluted":true}}}`);
    t.equal(r.status, 400, `${key} refused`);
    t.match(r.body.detail, new RegExp(`"${key}" is not allowed`));
  }
  const start = await call(srv.base, 'POST', '/commands/start_tracking', '{"x":1,"y":1,"width":5,"height":5,"__proto__":{"admin":true}}');
  t.equal(start.status, 400, 'commands refuse them too');

  const missing = await call(srv.base, 'POST', '/commands/start_tracking', { x: 1, y: 'a', height: 5, extra: 1 });
  t.equal(missing.status, 422);
  t.same(missing.body.detail.map((d: { loc: string[] }) => d.loc.join('.')).sort(), ['body.extra', 'body.width', 'body.y'], 'each violation listed');

  t.equal(readFileSync(srv.configFile, 'utf8'), before, 'the config file was never touched');
  t.equal((await call(srv.base, 'GET', '/status')).status, 200, 'server still fine');
});
