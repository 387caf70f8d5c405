// SIGINT/SIGTERM: stop accepting, end streams, close WebSockets with 1001, exit 0 within 2 s.
// A child process: the signals and the exit are the point.

import t from 'tap';
import { startServer } from '../helpers/child-server.js';
import { openMjpeg, openWs } from '../helpers/stream-client.js';

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  t.test(`${signal} closes every stream and exits 0 within 2 s`, async (t) => {
    const srv = await startServer(t);
    const mj = await openMjpeg(`${srv.base}/video_feed`);
    const ws = await openWs(`ws://127.0.0.1:${srv.port}/ws/video_feed`);
    t.teardown(() => { mj.close(); ws.terminate(); });
    await Promise.all([mj.waitParts(3), ws.waitParts(3)]);
    const { code, ms } = await srv.stop(signal);
    t.equal(code, 0, 'exit code 0');
    t.ok(ms < 2000, `exited in ${ms.toFixed(0)} ms`);
    const closed = await ws.closed;
    t.equal(closed.code, 1001, 'WebSocket closed with 1001');
    await mj.ended;
    t.pass('MJPEG stream ended');
    t.ok(mj.completed, 'with its closing boundary');
    t.same([...mj.protocolErrors, ...ws.protocolErrors], [], 'no protocol error on either stream');
    await t.rejects(fetch(`${srv.base}/stats`), 'no longer accepting');
  });
}
