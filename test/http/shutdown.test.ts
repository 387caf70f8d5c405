// SIGINT/SIGTERM: stop accepting, end streams, close WebSockets with 1001, exit 0 within 2 s.

import t from 'tap';
import { startServer } from '../helpers/spawn-server.js';
import { openMjpeg } from '../helpers/mjpeg-client.js';
import { openWs } from '../helpers/ws-client.js';

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  t.test(`${signal} closes every stream and exits 0 within 2 s`, async (t) => {
    const srv = await startServer();
    const mj = await openMjpeg(`${srv.base}/video_feed`);
    const ws = await openWs(`ws://127.0.0.1:${srv.port}/ws/video_feed`);
    await Promise.all([mj.waitParts(3), ws.waitFrames(3)]);
    const { code, ms } = await srv.stop(signal);
    t.equal(code, 0, 'exit code 0');
    t.ok(ms < 2000, `exited in ${ms.toFixed(0)} ms`);
    const closed = await ws.closed;
    t.equal(closed.code, 1001, 'WebSocket closed with 1001');
    await mj.ended;
    t.pass('MJPEG stream ended');
    await t.rejects(fetch(`${srv.base}/stats`), 'no longer accepting');
  });
}
