// Config storage: backups and audit per config file, an audit trail that
// survives restarts, symlinks and file modes kept, and --config needing a value.

import t from 'tap';
import { chmodSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigService } from '../../lib/config/config-service.js';
import { loadConfig } from '../../lib/config/load.js';
import { writeFileAtomic } from '../../lib/config/atomic-write.js';
import { runExpectingFailure } from '../helpers/child-server.js';
import { startInProcessWithFile } from '../helpers/in-process.js';
import { call } from '../helpers/http.js';

const dirWith = (files: Record<string, string>) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-store-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
};

t.test('two config files in one directory keep separate backups and audits', async (t) => {
  const dir = dirWith({ 'a.yaml': 'streaming:\n  fps: 10\n', 'b.yaml': 'streaming:\n  fps: 20\n' });
  const cfg = loadConfig();
  const a = new ConfigService(cfg, { file: path.join(dir, 'a.yaml') });
  const b = new ConfigService(cfg, { file: path.join(dir, 'b.yaml') });
  await a.update('streaming', 'fps', 11, 'test');
  for (let i = 0; i < 22; i++) await b.update('streaming', 'fps', 21 + i, 'test');
  const ha = await a.history();
  t.equal(ha.length, 1, 'b\'s 22 writes did not prune a\'s backup');
  t.equal((await b.history()).length, 20);
  await a.restore(ha[0].id, 'test');
  t.equal(readFileSync(path.join(dir, 'a.yaml'), 'utf8'), 'streaming:\n  fps: 10\n', 'a restored from a\'s own backup');
  t.equal(a.recentAudit().length, 2);
  t.equal(b.recentAudit().length, 22);
  t.ok(statSync(path.join(dir, 'backups', 'a', 'audit.jsonl')).isFile());
  t.ok(statSync(path.join(dir, 'backups', 'b', 'audit.jsonl')).isFile());
});

t.test('the audit trail is there after a restart', async (t) => {
  const dir = dirWith({ 'user.yaml': 'http:\n  host: 127.0.0.1\n  port: 0\n' });
  const file = path.join(dir, 'user.yaml');
  let srv = await startInProcessWithFile(t, file);
  await call(srv.base, 'PUT', '/api/config/streaming/fps', { value: 12 });
  await call(srv.base, 'PUT', '/api/config/streaming/quality', { value: 70 });
  // A restart: a new server on the same file.
  await srv.close();
  srv = await startInProcessWithFile(t, file);
  const entries = (await call(srv.base, 'GET', '/api/config/audit')).body.entries;
  t.match(entries, [{ parameter: 'quality', new_value: 70, client: /127\.0\.0\.1 \(env:SKYFEED_ADMIN_TOKEN\)/ }, { parameter: 'fps', new_value: 12 }]);
});

t.test('a symlinked config stays a symlink and keeps its mode', async (t) => {
  const dir = dirWith({});
  mkdirSync(path.join(dir, 'real'));
  const target = path.join(dir, 'real', 'skyfeed.yaml');
  writeFileSync(target, 'streaming:\n  fps: 10\n');
  chmodSync(target, 0o600);
  const link = path.join(dir, 'skyfeed.yaml');
  symlinkSync('real/skyfeed.yaml', link);
  const svc = new ConfigService(loadConfig(), { file: link });
  await svc.update('streaming', 'fps', 15, 'test');
  t.ok(lstatSync(link).isSymbolicLink(), 'still a symlink');
  t.equal(readlinkSync(link), 'real/skyfeed.yaml');
  t.match(readFileSync(target, 'utf8'), /fps: 15/, 'the target was written');
  t.equal(statSync(target).mode & 0o777, 0o600, 'mode kept');
  // A new file gets the mode asked for, whatever the umask.
  const fresh = path.join(dir, 'secret.json');
  await writeFileAtomic(fresh, '{}', { mode: 0o600 });
  t.equal(statSync(fresh).mode & 0o777, 0o600);
});

t.test('--config with no value is an error, not a silent start on defaults', async (t) => {
  const r = await runExpectingFailure('', ['--config']);
  t.equal(r.code, 2);
  t.match(r.output, /--config needs a value/);
  const r2 = await runExpectingFailure('', ['--config', '--port', '0']);
  t.equal(r2.code, 2);
});
