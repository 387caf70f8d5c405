// No ffmpeg outlives a killed server: with an idle input (a UDP port no one
// sends to) ffmpeg writes nothing and would never notice its parent is gone.
// A child process: kill -9 of the server is the point.

import t from 'tap';
import { freeUdpPort } from '../../bench/udp-port.js';
import { startServer, startServerWithFile } from '../helpers/child-server.js';
import { call } from '../helpers/http.js';
import { childPids, hasCommand, holdsUdpPort, FFMPEG_MISSING } from '../helpers/tools.js';
import { waitFor } from '../helpers/wait.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};


t.test('kill -9 of the server takes its ffmpeg with it; the restart finds the port free', { skip: !hasCommand('ffmpeg') && FFMPEG_MISSING }, async (t) => {
  const udp = await freeUdpPort();
  const srv = await startServer(t, { source: { type: 'ffmpeg', input: `udp://127.0.0.1:${udp}` } });
  let ffmpegPid = 0;
  t.ok(await waitFor(() => (ffmpegPid = childPids(srv.pid, 'ffmpeg')[0] ?? 0) > 0, 'ffmpeg as the server\'s child', { timeoutMs: 10000, everyMs: 50 }),
    'ffmpeg runs as the server\'s child');
  // The source may replace a slow-starting ffmpeg (no frame yet) with a new one: wait for whichever child binds the port.
  ffmpegPid = await waitFor(() => childPids(srv.pid, 'ffmpeg').find((p) => holdsUdpPort(p, udp)), `ffmpeg to bind UDP port ${udp}`, { everyMs: 50 });
  await srv.stop('SIGKILL');
  t.ok(await waitFor(() => !alive(ffmpegPid), 'ffmpeg to die with the server', { timeoutMs: 3000, everyMs: 50 }), 'ffmpeg died with the server');
  const again = await startServerWithFile(t, srv.configFile);
  let newPid = 0;
  t.ok(await waitFor(() => (newPid = childPids(again.pid, 'ffmpeg')[0] ?? 0) > 0, 'a new ffmpeg', { timeoutMs: 10000, everyMs: 50 }), 'a new ffmpeg runs');
  // The new ffmpeg got the port: nothing of the old one holds it.
  newPid = await waitFor(() => childPids(again.pid, 'ffmpeg').find((p) => holdsUdpPort(p, udp)), `the new ffmpeg to bind UDP port ${udp}`, { everyMs: 50 });
  const health = (await call(again.base, 'GET', '/api/video/health')).body.video;
  t.notMatch(String(health.last_capture_error ?? ''), /in use|bind/i, 'no port clash');
  t.equal(childPids(again.pid, 'ffmpeg').length, 1, 'exactly one ffmpeg');
});
