import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { writeConfig } from '../helpers/child-server.js';
import { startInProcess, startInProcessWithFile } from '../helpers/in-process.js';
import { call } from '../helpers/http.js';

const limits = { rate_limit: { window_s: 60, max_requests: 1000, max_clients: 64 } };

/** A user file with comments, as an operator would write it. */
function commentedFile(): string {
  const file = writeConfig({});
  writeFileSync(file, [
    '# Vehicle 7 camera settings (kept by the config API)',
    'http:',
    '  host: 127.0.0.1',
    '  port: 0',
    'rate_limit: { window_s: 60, max_requests: 1000, max_clients: 64 }',
    'streaming:',
    '  # lower quality: the radio link is narrow',
    '  quality: 70 # tuned in the field',
    '',
  ].join('\n'));
  return file;
}

t.test('reads: current, section, schema, default, diff, history', async (t) => {
  const srv = await startInProcessWithFile(t, commentedFile());
  const b = srv.base;
  const cur = await call(b, 'GET', '/api/config/current');
  t.equal(cur.status, 200);
  t.match(cur.body, { success: true, config: { streaming: { quality: 70, fps: 30 }, http: { max_body_bytes: 65536 } } });
  t.match((await call(b, 'GET', '/api/config/current/streaming')).body, { success: true, section: 'streaming', config: { quality: 70 } });
  t.equal((await call(b, 'GET', '/api/config/current/nope')).status, 404);
  t.equal((await call(b, 'GET', '/api/config/current/__proto__')).status, 404);

  const schema = (await call(b, 'GET', '/api/config/schema')).body;
  t.equal(schema.schema.properties.streaming.properties.fps.reload_tier, 'immediate', 'the JSON Schema carries reload tiers');
  t.same(schema.parameters.streaming.fps, {
    type: 'integer', default: 30, description: schema.schema.properties.streaming.properties.fps.description,
    min: 0, max: 240, step: null, unit: 'frames/s', options: null, reload_tier: 'immediate', file_only: false, secret: false,
  });
  t.match(schema.parameters.http.host, { file_only: true }, 'file-only keys are marked for editors');
  t.match(schema.parameters.source.input_options, { file_only: true });
  t.match(schema.parameters.streaming.width, { reload_tier: 'system_restart', unit: 'px', step: 2 });
  t.match(schema.parameters.source.type, { type: 'enum', options: ['synthetic', 'v4l2', 'ffmpeg'] });
  t.match(schema.parameters.rate_limit.window_s, { reload_tier: 'immediate', unit: 's' });

  t.match((await call(b, 'GET', '/api/config/default')).body.config, { streaming: { quality: 85 } });
  const diff = (await call(b, 'GET', '/api/config/diff')).body;
  t.ok(diff.differences.some((d: Record<string, unknown>) => d.section === 'streaming' && d.parameter === 'quality' && d.default === 85 && d.current === 70));
  t.same((await call(b, 'GET', '/api/config/history')).body.backups, [], 'no backups before the first write');
});

t.test('PUT: validated, backed up, saved with comments, audited, survives a restart', async (t) => {
  const file = commentedFile();
  const original = readFileSync(file, 'utf8');
  let srv = await startInProcessWithFile(t, file);
  const b = () => srv.base;

  const r = await call(b(), 'PUT', '/api/config/streaming/width', { value: 320 });
  t.equal(r.status, 200);
  t.match(r.body, {
    success: true, section: 'streaming', parameter: 'width', value: 320, old_value: 640,
    validation: { valid: true, errors: [], warnings: [] }, saved: true, applied: false,
    reload_tier: 'system_restart', reboot_required: true, backup_id: /^config_\d{8}_\d{6}_\d{3}$/,
  });
  t.type(r.body.timestamp, 'number');
  const q = await call(b(), 'PUT', '/api/config/streaming/quality', { value: 60 });
  t.match(q.body, { applied: true, reload_tier: 'immediate', reboot_required: false, old_value: 70 });
  t.equal((await call(b(), 'GET', '/status')).body.streaming.quality, 60, 'immediate: the running stream took it');

  const text = readFileSync(file, 'utf8');
  t.match(text, /# Vehicle 7 camera settings/, 'header comment kept');
  t.match(text, /# lower quality: the radio link is narrow\n\s+quality: 60 # tuned in the field/, 'comments around the key kept');
  t.match(text, /width: 320/);

  const hist = (await call(b(), 'GET', '/api/config/history')).body;
  t.equal(hist.count, 2);
  t.match(hist.backups[0], { id: q.body.backup_id, filename: `${q.body.backup_id}.yaml` });
  t.type(hist.backups[0].size, 'number');
  const audit = (await call(b(), 'GET', '/api/config/audit')).body.entries;
  t.match(audit[0], { action: 'update', section: 'streaming', parameter: 'quality', old_value: 70, new_value: 60, client: /\S/ });

  // The first backup holds the file as it was before any change.
  const firstBackup = hist.backups[1];
  t.equal(firstBackup.id, r.body.backup_id);

  // A restart: a new server on the same file.
  await srv.close();
  srv = await startInProcessWithFile(t, file);
  const cur = (await call(b(), 'GET', '/api/config/current')).body.config;
  t.equal(cur.streaming.width, 320);
  t.equal(cur.streaming.quality, 60);
  const status = (await call(b(), 'GET', '/status')).body.streaming;
  t.equal(status.quality, 60);
  t.equal(status.width, 320, 'the system_restart value is in force after the restart');

  // Restore the first backup: the original file comes back byte for byte.
  const rest = await call(b(), 'POST', `/api/config/restore/${firstBackup.id}`);
  t.equal(rest.status, 200);
  t.match(rest.body, { success: true, restored: firstBackup.id, reboot_required: true, applied: true });
  t.equal(readFileSync(file, 'utf8'), original);
  t.equal((await call(b(), 'GET', '/status')).body.streaming.quality, 70, 'immediate parameters restored live');
  t.equal((await call(b(), 'POST', '/api/config/restore/config_20200101_000000_000')).status, 404, 'no such backup');
  t.equal((await call(b(), 'POST', `/api/config/restore/${encodeURIComponent('../../etc/passwd')}`)).status, 400, 'traversal refused');
  t.equal((await call(b(), 'POST', '/api/config/restore/..%2f..%2fuser')).status, 400);
});

t.test('PUT errors: 404, 422 listing each violation, cross-checks; nothing written', async (t) => {
  const srv = await startInProcess(t, limits);
  const b = srv.base;
  const before = readFileSync(srv.configFile, 'utf8');
  t.equal((await call(b, 'PUT', '/api/config/nope/fps', { value: 1 })).status, 404, 'unknown section');
  t.equal((await call(b, 'PUT', '/api/config/streaming/nope', { value: 1 })).status, 404, 'unknown param');
  t.equal((await call(b, 'PUT', '/api/config/streaming/nope', '{bad')).status, 404, '404 comes before the body is read');
  const two = await call(b, 'PUT', '/api/config/streaming/fps', { value: 1000.5 });
  t.equal(two.status, 422);
  t.same(two.body.detail, ['streaming.fps: value 1000.5 must be integer', 'streaming.fps: value 1000.5 must be <= 240']);
  t.match(two.body, { success: false, validation: { valid: false, errors: two.body.detail } });
  t.equal((await call(b, 'PUT', '/api/config/streaming/fps', { value: 'fast' })).status, 422, 'wrong type');
  t.equal((await call(b, 'PUT', '/api/config/streaming/quality', { value: 99 })).status, 422, 'outside min_quality..max_quality');
  t.equal((await call(b, 'PUT', '/api/config/streaming/fps', { val: 10 })).status, 422, 'body without value');
  t.equal((await call(b, 'PUT', '/api/config/streaming/min_quality', { value: 99 })).status, 422, 'cross-check: min_quality above max_quality');
  const wild = await call(b, 'PUT', '/api/config/http/cors', { value: { origins: ['*'], allow_credentials: true, max_age_s: 1 } });
  t.equal(wild.status, 403, 'http.* is file-only, whatever the value');
  t.equal(readFileSync(srv.configFile, 'utf8'), before, 'nothing written');
  t.same((await call(b, 'GET', '/api/config/history')).body.backups, []);
});

t.test('revert and diff', async (t) => {
  const srv = await startInProcess(t, limits);
  const b = srv.base;
  await call(b, 'PUT', '/api/config/streaming/min_fps', { value: 5 });
  t.ok((await call(b, 'GET', '/api/config/diff')).body.differences.some((d: Record<string, unknown>) => d.parameter === 'min_fps'));
  const r = await call(b, 'POST', '/api/config/revert/streaming/min_fps');
  t.match(r.body, { success: true, value: 1, old_value: 5, saved: true });
  t.notMatch(readFileSync(srv.configFile, 'utf8'), /min_fps/);
  t.notOk((await call(b, 'GET', '/api/config/diff')).body.differences.some((d: Record<string, unknown>) => d.parameter === 'min_fps'));
  t.match((await call(b, 'POST', '/api/config/revert/streaming/min_fps')).body, { saved: false }, 'nothing to revert');
  t.equal((await call(b, 'POST', '/api/config/revert/streaming/nope')).status, 404);
});

t.test('concurrent PUTs never interleave and none is lost', async (t) => {
  const srv = await startInProcess(t, limits);
  const b = srv.base;
  const params: [string, string, unknown][] = [
    ['streaming', 'adapt_down_ms', 1234], ['streaming', 'adapt_up_ms', 4321], ['streaming', 'max_http_clients', 77],
    ['streaming', 'max_ws_clients', 88], ['streaming', 'cache_ttl_ms', 55], ['pipeline', 'ring_slots', 9],
    ['pipeline', 'encoded_slots', 400], ['streaming', 'stalled_client_timeout_s', 20], ['streaming', 'min_fps', 2], ['streaming', 'quality_step', 7],
  ];
  const replies = await Promise.all(params.map(([s, p, v]) => call(b, 'PUT', `/api/config/${s}/${p}`, { value: v })));
  t.same(replies.map((r) => r.status), params.map(() => 200));
  const cur = (await call(b, 'GET', '/api/config/current')).body.config;
  const { parse } = await import('yaml');
  const onDisk = parse(readFileSync(srv.configFile, 'utf8'));
  for (const [s, p, v] of params) {
    t.equal(cur[s][p], v, `${s}.${p} in memory`);
    t.equal(onDisk[s][p], v, `${s}.${p} on disk`);
  }
  const ids = replies.map((r) => r.body.backup_id);
  t.equal(new Set(ids).size, params.length, 'one distinct backup per write');
  // Each backup is the state just before its write: every one differs from the next.
  const hist = (await call(b, 'GET', '/api/config/history')).body.backups;
  t.equal(hist.length, params.length);
  t.same(hist.map((h: { id: string }) => h.id).sort(), [...ids].sort());
});

t.test('the newest 20 backups are kept', async (t) => {
  const srv = await startInProcess(t, limits);
  for (let i = 0; i < 23; i++) await call(srv.base, 'PUT', '/api/config/streaming/cache_ttl_ms', { value: 100 + i });
  const hist = (await call(srv.base, 'GET', '/api/config/history')).body;
  t.equal(hist.count, 20);
});
