import t from 'tap';
import { mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BackupStore, isBackupId } from '../../lib/config/backups.js';

t.test('ids are validated against path traversal', async (t) => {
  const store = new BackupStore('/tmp/x');
  for (const bad of ['../etc/passwd', 'config_20260101_000000/../../x', 'config_2026', '', 'config_20260101_000000.yaml', 'config_20260101_000000_1234']) {
    t.equal(store.pathOf(bad), null, JSON.stringify(bad));
  }
  t.ok(isBackupId('config_20260101_120000'), 'the name without milliseconds');
  t.equal(store.pathOf('config_20260101_120000_123'), '/tmp/x/config_20260101_120000_123.yaml');
});

t.test('backups are named by time, listed newest first, pruned to the newest 20', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-bk-'));
  const file = path.join(dir, 'user.yaml');
  const store = new BackupStore(path.join(dir, 'backups'));
  const ids: string[] = [];
  for (let i = 0; i < 23; i++) {
    writeFileSync(file, `n: ${i}\n`);
    ids.push((await store.create(file)).id);
  }
  t.equal(new Set(ids).size, 23, 'unique ids even within one millisecond');
  const list = await store.list();
  t.equal(list.length, 20);
  t.same(list.map((b) => b.id), ids.slice(3).reverse(), 'the newest 20, newest first');
  t.match(list[0], { filename: `${list[0].id}.yaml`, size: 6 });
  t.match(list[0].id, /^config_\d{8}_\d{6}_\d{3}$/);
  t.equal(readdirSync(path.join(dir, 'backups')).length, 20);
});
