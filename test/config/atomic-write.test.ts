import t from 'tap';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic, removeStaleTemps } from '../../lib/config/atomic-write.js';
import { loadConfig } from '../../lib/config/load.js';
import { ConfigService } from '../../lib/config/config-service.js';
import { spawnTied } from '../../lib/util/spawn-tied.js';
import { writeConfig } from '../helpers/child-server.js';
import { startInProcessWithFile } from '../helpers/in-process.js';
import { call } from '../helpers/http.js';

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/save-and-hang.js');

t.test('writes replace the file and leave no temp behind', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-aw-'));
  const file = path.join(dir, 'a.yaml');
  writeFileSync(file, 'old\n');
  await writeFileAtomic(file, 'new\n');
  t.equal(readFileSync(file, 'utf8'), 'new\n');
  t.same(readdirSync(dir), ['a.yaml']);
});

t.test('a save killed between the temp write and the rename leaves the old file intact and loadable', async (t) => {
  const file = writeConfig({ http: { host: '127.0.0.1', port: 0 }, streaming: { fps: 25 } });
  writeFileSync(file, `# keep me\n${readFileSync(file, 'utf8')}`);
  const before = readFileSync(file, 'utf8');

  // The real save routine runs in a child; its injected hook parks it right
  // before rename(2), and we SIGKILL it there: no cleanup code can run.
  // Tied to this process: if the test dies while the child hangs, the kernel kills the child.
  const child = spawnTied(process.execPath, [fixture, file, 'streaming', 'fps', '12'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  t.teardown(() => child.kill('SIGKILL'));
  const { temp } = await new Promise<{ temp: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { temp: string }));
    child.once('exit', (code) => reject(new Error(`fixture exited early (${code})`)));
  });
  t.ok(existsSync(temp), 'the temp file exists at the kill point');
  t.match(readFileSync(temp, 'utf8'), /fps: 12/, 'and holds the complete new content');
  const exited = new Promise((r) => child.once('exit', (code, signal) => r(signal)));
  child.kill('SIGKILL');
  t.equal(await exited, 'SIGKILL');

  t.equal(readFileSync(file, 'utf8'), before, 'the old file is byte-for-byte intact');
  t.equal(loadConfig(file).streaming.fps, 25, 'and loads');
  t.ok(readdirSync(path.join(path.dirname(file), 'backups', 'user')).some((n) => n.startsWith('config_')), 'the backup was taken first');

  // Next start: the server runs on the old file and clears the stale temp.
  const srv = await startInProcessWithFile(t, file);
  t.equal((await call(srv.base, 'GET', '/api/config/current')).body.config.streaming.fps, 25);
  t.equal((await call(srv.base, 'PUT', '/api/config/streaming/fps', { value: 20 })).status, 200, 'saving works again');
  t.notOk(existsSync(temp), 'stale temp removed');
  t.match(readFileSync(file, 'utf8'), /# keep me/);
});

t.test('removeStaleTemps only touches our temp files', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-aw-'));
  const file = path.join(dir, 'u.yaml');
  writeFileSync(path.join(dir, '.u.yaml.tmp-1-2'), 'x');
  writeFileSync(path.join(dir, 'other.yaml'), 'x');
  t.equal(await removeStaleTemps(file), 1);
  t.same(readdirSync(dir), ['other.yaml']);
  // The service does it on init as well.
  writeFileSync(path.join(dir, '.u.yaml.tmp-3-4'), 'x');
  await new ConfigService(loadConfig(), { file }).init();
  t.same(readdirSync(dir), ['other.yaml']);
});
