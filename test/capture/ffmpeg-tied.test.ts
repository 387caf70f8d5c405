// No ffmpeg outlives a killed server: with an idle input (a UDP port no one
// sends to) ffmpeg writes nothing and would never notice its parent is gone.

import t from 'tap';
import { createSocket } from 'node:dgram';
import { startServer, startServerWithFile } from '../helpers/spawn-server.js';
import { call, waitFor } from '../helpers/http.js';
import { childPids, hasCommand, FFMPEG_MISSING } from '../helpers/tools.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A UDP port that is free right now. */
async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

t.test('kill -9 of the server takes its ffmpeg with it; the restart finds the port free', { skip: !hasCommand('ffmpeg') && FFMPEG_MISSING }, async (t) => {
  const udp = await freeUdpPort();
  const srv = await startServer({ source: { type: 'ffmpeg', input: `udp://127.0.0.1:${udp}` } });
  let ffmpegPid = 0;
  t.ok(await waitFor(() => (ffmpegPid = childPids(srv.proc.pid!, 'ffmpeg')[0] ?? 0) > 0, 10000), 'ffmpeg runs as the server\'s child');
  await srv.stop('SIGKILL');
  t.ok(await waitFor(() => !alive(ffmpegPid), 3000), 'ffmpeg died with the server');
  const again = await startServerWithFile(srv.configFile);
  t.teardown(() => again.stop());
  t.ok(await waitFor(async () => childPids(again.proc.pid!, 'ffmpeg').length > 0, 10000), 'a new ffmpeg runs');
  await new Promise((r) => setTimeout(r, 1500));
  const health = (await call(again.base, 'GET', '/api/video/health')).body.video;
  t.notMatch(String(health.last_capture_error ?? ''), /in use|bind/i, 'no port clash');
  t.equal(childPids(again.proc.pid!, 'ffmpeg').length, 1, 'exactly one ffmpeg');
});
