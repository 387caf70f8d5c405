// deploy/skyfeed.service: systemd's own checker accepts it with no warning,
// it keeps the settings the service relies on, and its command line starts
// the real server the way the unit and the README's install section set it up
// (empty config file in the state folder, admin token from the environment
// file or printed once on first start).

import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasCommand } from '../helpers/tools.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const unitFile = path.join(root, 'deploy', 'skyfeed.service');
const unit = readFileSync(unitFile, 'utf8');
const SYSTEMD_MISSING = 'systemd-analyze is not installed: CI installs it (.ci/run; Debian: apt-get install systemd). This test needs it and does not skip.';

/** Values of `key` in the unit, in order (comments and sections ignored). */
function values(key: string): string[] {
  return unit.split('\n').filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
}

t.test('systemd-analyze verify accepts the unit without a warning', async (t) => {
  if (!hasCommand('systemd-analyze', ['--version'])) return t.fail(SYSTEMD_MISSING);
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-unit-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  let text = unit;
  // verify checks that ExecStart's program exists: use this machine's node where /usr/bin/node is absent.
  if (!existsSync('/usr/bin/node')) text = text.replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `);
  writeFileSync(path.join(dir, 'skyfeed.service'), text);
  const r = spawnSync('systemd-analyze', ['verify', path.join(dir, 'skyfeed.service')], { encoding: 'utf8' });
  t.equal(r.status, 0, 'exit status 0');
  t.equal(`${r.stdout}${r.stderr}`.trim(), '', 'no warning');

  // The checker is not blind: a wrong value in a copy is reported.
  writeFileSync(path.join(dir, 'skyfeed.service'), text.replace(/^Restart=on-failure$/m, 'Restart=sometimes'));
  const bad = spawnSync('systemd-analyze', ['verify', path.join(dir, 'skyfeed.service')], { encoding: 'utf8' });
  t.match(`${bad.stdout}${bad.stderr}`, /restart specifier.*sometimes/, 'a broken copy is reported');
});

t.test('the sandbox scores OK in systemd-analyze security (offline)', async (t) => {
  if (!hasCommand('systemd-analyze', ['--version'])) return t.fail(SYSTEMD_MISSING);
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-unit-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(unitFile, path.join(dir, 'skyfeed.service'));
  const r = spawnSync('systemd-analyze', ['security', '--offline=true', '--no-pager', path.join(dir, 'skyfeed.service')], { encoding: 'utf8' });
  const m = /Overall exposure level for skyfeed\.service: ([\d.]+)/.exec(r.stdout);
  t.ok(m, 'an exposure level is printed');
  t.ok(m && Number(m[1]) <= 3, `exposure ${m?.[1]} <= 3 (systemd's scale: 0 safest, 10 unprotected)`);
});

t.test('the unit keeps the settings the service relies on', async (t) => {
  t.same(values('Type'), ['simple']);
  t.same(values('Restart'), ['on-failure']);
  t.same(values('User'), ['skyfeed'], 'an unprivileged user');
  t.same(values('SupplementaryGroups'), ['video'], 'cameras and M2M encoders');
  t.same(values('EnvironmentFile'), ['-/etc/skyfeed/skyfeed.env']);
  t.same(values('ProtectSystem'), ['strict']);
  t.same(values('ReadWritePaths'), ['/var/lib/skyfeed']);
  t.same(values('NoNewPrivileges'), ['yes']);
  t.same(values('PrivateTmp'), ['yes']);
  t.same(values('ProtectHome'), ['yes']);
  t.same(values('CapabilityBoundingSet'), [''], 'no capability at all');
  t.match(values('ExecStart')[0], /--config \/var\/lib\/skyfeed\/skyfeed\.yaml$/, 'the config lives in the writable folder');
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Install as a service (systemd)\n');
  t.ok(start > 0, 'the README has the install section');
  const doc = readme.slice(start, readme.indexOf('\n## ', start + 1));
  for (const p of ['/etc/skyfeed/skyfeed.env', '/var/lib/skyfeed/skyfeed.yaml', '/opt/skyfeed', 'deploy/skyfeed.service', 'SKYFEED_ADMIN_TOKEN']) {
    t.ok(doc.includes(p), `the README's install section names ${p}`);
  }
});

/** Runs the unit's ExecStart with /opt/skyfeed and /var/lib/skyfeed mapped to this checkout and `state`; resolves with its output once it listens. */
function startLikeTheUnit(state: string, env: NodeJS.ProcessEnv) {
  const argv = values('ExecStart')[0].split(' ').map((a) => a.replace('/opt/skyfeed', root).replace('/var/lib/skyfeed', state));
  const proc = spawn(process.execPath, [...argv.slice(1), '--port', '0'], { cwd: root, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  return new Promise<{ out: () => string; stop: () => Promise<number | null> }>((resolve, reject) => {
    const early = (code: number | null) => reject(new Error(`exited with ${code}:\n${out}`));
    const timer = setTimeout(() => reject(new Error(`no listening line in 30 s:\n${out}`)), 30000);
    proc.once('exit', early);
    const onData = () => {
      if (!/skyfeed listening on/.test(out)) return;
      clearTimeout(timer);
      proc.off('exit', early);
      proc.stdout.off('data', onData);
      resolve({
        out: () => out,
        stop: () => new Promise((res) => {
          proc.once('exit', (code) => res(code));
          proc.kill('SIGTERM');
        }),
      });
    };
    proc.stdout.on('data', onData);
  });
}

t.test('the unit command line starts the server on the empty config the install step creates', async (t) => {
  const state = mkdtempSync(path.join(tmpdir(), 'skyfeed-state-'));
  t.teardown(() => rmSync(state, { recursive: true, force: true }));
  writeFileSync(path.join(state, 'skyfeed.yaml'), '');
  // No environment file: the first start creates an admin token and prints it once.
  const first = await startLikeTheUnit(state, {});
  t.match(first.out(), /created an admin token[^\n]*\n\s+sf_\S+/, 'the token is printed');
  t.equal(await first.stop(), 0, 'SIGTERM ends it with 0');
  t.ok(existsSync(path.join(state, 'tokens.json')), 'its hash is kept in the state folder');
  // With SKYFEED_ADMIN_TOKEN (the environment file) a later start prints none.
  const second = await startLikeTheUnit(state, { SKYFEED_ADMIN_TOKEN: 'sf_service_test_token_0123456789' });
  t.notMatch(second.out(), /created an admin token/);
  t.equal(await second.stop(), 0);
});
