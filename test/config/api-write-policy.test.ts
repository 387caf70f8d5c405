// The probes from the issue: config writes that would choose a program, its
// arguments or the listener are refused even for an admin, and a source
// input from the API is a device, a media file or a network stream only.

import t from 'tap';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkApiWrite } from '../../lib/config/api-write-policy.js';
import { SkyfeedError, type ErrorCode } from '../../lib/errors.js';
import { startInProcess } from '../helpers/in-process.js';
import { call } from '../helpers/http.js';

const codeOf = (f: () => void): ErrorCode | 'ok' | 'other' => {
  try {
    f();
    return 'ok';
  } catch (err) {
    return err instanceof SkyfeedError ? err.code : 'other';
  }
};

t.test('file-only keys and source inputs', async (t) => {
  const media = mkdtempSync(path.join(tmpdir(), 'skyfeed-media-'));
  const clip = path.join(media, 'flight.mp4');
  writeFileSync(clip, 'x');
  const outside = path.join(mkdtempSync(path.join(tmpdir(), 'skyfeed-out-')), 'x.mp4');
  writeFileSync(outside, 'x');
  const sneaky = path.join(media, 'link.mp4');
  symlinkSync(outside, sneaky);
  for (const [s, p] of [['source', 'ffmpeg_path'], ['source', 'input_options'], ['source', 'media_dirs'], ['http', 'host'], ['http', 'cors'],
    ['http', 'allowed_hosts'], ['auth', 'enabled'], ['auth', 'viewer_access']]) {
    t.equal(codeOf(() => checkApiWrite(s, p, 'x', [media])), 'SKYFEED_ERR_CONFIG_FILE_ONLY', `${s}.${p} is file-only`);
  }
  for (const ok of ['rtsp://192.168.144.25:8554/main.264', 'udp://0.0.0.0:5600', 'srt://10.0.0.2:9000', 'https://cam.local/feed', '/dev/video0', '/dev/v4l/by-id/usb-Cam_123-video-index0', clip]) {
    t.equal(codeOf(() => checkApiWrite('source', 'input', ok, [media])), 'ok', `accepts ${ok}`);
  }
  for (const bad of ['-f', '-i', 'lavfi', 'testsrc', 'concat:/etc/passwd|/etc/shadow', 'subfile:,,start,0,end,0,,:/etc/passwd', 'file:/etc/passwd',
    '/etc/passwd', outside, sneaky, 'relative.mp4', 'ftp://x/y', `${clip}\n-y`, 'rtsp://x y', `${media}/../${path.basename(outside)}`]) {
    t.equal(codeOf(() => checkApiWrite('source', 'input', bad, [media])), 'SKYFEED_ERR_CONFIG_SOURCE_NOT_ALLOWED', `refuses ${JSON.stringify(bad)}`);
  }
  t.equal(codeOf(() => checkApiWrite('source', 'device', '/etc/shadow', [])), 'SKYFEED_ERR_CONFIG_SOURCE_NOT_ALLOWED');
  t.equal(codeOf(() => checkApiWrite('source', 'device', '/dev/video2', [])), 'ok');
  t.equal(codeOf(() => checkApiWrite('streaming', 'fps', 10, [])), 'ok');
});

t.test('over HTTP: the remote-code-execution probe is refused at every step, even for an admin', async (t) => {
  const srv = await startInProcess(t);
  const before = (() => { try { return readFileSync(srv.configFile, 'utf8'); } catch { return null; } })();
  const anon = { authorization: '' };
  t.equal((await call(srv.base, 'PUT', '/api/config/source/input_options', { value: ['-f', 'lavfi'] }, anon)).status, 401, 'unauthenticated: 401');
  const opts = await call(srv.base, 'PUT', '/api/config/source/input_options', { value: ['-f', 'lavfi'] });
  t.equal(opts.status, 403);
  t.match(opts.body.detail, /source\.input_options is file-only/);
  t.equal((await call(srv.base, 'PUT', '/api/config/source/ffmpeg_path', { value: '/bin/sh' })).status, 403);
  t.equal((await call(srv.base, 'PUT', '/api/config/http/host', { value: '0.0.0.0' })).status, 403);
  t.equal((await call(srv.base, 'PUT', '/api/config/auth/enabled', { value: false })).status, 403);
  const input = await call(srv.base, 'PUT', '/api/config/source/input', { value: 'testsrc=size=64x64' });
  t.equal(input.status, 422);
  t.match(input.body.detail, /source\.input: through the API/);
  t.equal((await call(srv.base, 'PUT', '/api/config/source/type', { value: 'ffmpeg' })).status, 422, 'ffmpeg without an input fails validation');
  t.equal((await call(srv.base, 'POST', '/api/config/revert/http/port')).status, 403, 'revert of a file-only key');
  const after = (() => { try { return readFileSync(srv.configFile, 'utf8'); } catch { return null; } })();
  t.equal(after, before, 'nothing was written');
  const ok = await call(srv.base, 'PUT', '/api/config/source/input', { value: 'rtsp://pilot:hunter2@192.168.144.25:8554/main' });
  t.equal(ok.status, 200, 'a network stream is fine');
  t.equal(ok.body.value, 'rtsp://pilot:***@192.168.144.25:8554/main', 'the URL password is masked in the answer');
  t.match(readFileSync(srv.configFile, 'utf8'), /hunter2/, 'and saved as given');
  const shown = JSON.stringify((await call(srv.base, 'GET', '/api/config/current')).body);
  const diff = JSON.stringify((await call(srv.base, 'GET', '/api/config/diff')).body);
  const audit = JSON.stringify((await call(srv.base, 'GET', '/api/config/audit')).body);
  for (const [what, text] of [['current', shown], ['diff', diff], ['audit', audit]]) t.notMatch(text, /hunter2/, `${what} never shows it`);
  const backupDir = path.join(path.dirname(srv.configFile), 'backups', 'user');
  t.notMatch(readFileSync(path.join(backupDir, 'audit.jsonl'), 'utf8'), /hunter2/, 'nor does the audit file');
});

t.test('a restore that would change a file-only key is refused', async (t) => {
  const srv = await startInProcess(t);
  writeFileSync(srv.configFile, 'http:\n  max_body_bytes: 4096\n');
  t.equal((await call(srv.base, 'PUT', '/api/config/streaming/fps', { value: 12 })).status, 200);
  const backup = (await call(srv.base, 'GET', '/api/config/history')).body.backups[0].id as string;
  // The operator edits the file by hand: the backup now differs in http.*.
  writeFileSync(srv.configFile, 'http:\n  max_body_bytes: 8192\nstreaming:\n  fps: 12\n');
  const r = await call(srv.base, 'POST', `/api/config/restore/${backup}`);
  t.equal(r.status, 403);
  t.match(r.body.detail, /http\.max_body_bytes is file-only/);
  t.match(readFileSync(srv.configFile, 'utf8'), /8192/, 'the file is unchanged');
  // A backup that agrees on every file-only key restores fine.
  writeFileSync(srv.configFile, 'http:\n  max_body_bytes: 4096\nstreaming:\n  fps: 20\n');
  t.equal((await call(srv.base, 'POST', `/api/config/restore/${backup}`)).status, 200);
  t.equal(readFileSync(srv.configFile, 'utf8'), 'http:\n  max_body_bytes: 4096\n');
});
