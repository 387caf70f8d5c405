// A vehicle link that cannot open must not take the camera down: the server
// serves video, reports why the link is down, and refuses to follow.

import t from 'tap';
import { createSocket } from 'node:dgram';
import { call } from '../helpers/http.js';
import { startInProcess } from '../helpers/in-process.js';
import { waitFor } from '../helpers/wait.js';

t.test('a udpin port already taken: video serves, /api/vehicle/status says why, offboard is refused', async (t) => {
  const squatter = createSocket('udp4');
  await new Promise<void>((r) => squatter.bind(0, '127.0.0.1', r));
  t.teardown(() => squatter.close());
  const port = squatter.address().port;
  const srv = await startInProcess(t, { vehicle: { connection: `udpin://127.0.0.1:${port}` }, safety: { circuit_breaker: 'off' } });
  t.ok(await waitFor(async () => (await call(srv.base, 'GET', '/status')).body.video_status === 'healthy', 'live video'), 'the camera serves');
  const snap = await fetch(`${srv.base}/snapshot`);
  t.equal(snap.status, 200, 'a snapshot');
  const st = (await call(srv.base, 'GET', '/api/vehicle/status')).body;
  t.match(st.start_error, /EADDRINUSE|in use/i, `start_error: ${st.start_error}`);
  t.equal((await call(srv.base, 'GET', '/status')).body.vehicle.connected, false, '/status: not connected');
  const off = await call(srv.base, 'POST', '/commands/start_offboard_mode');
  t.equal(off.body.status, 'failure', 'offboard refused');
  t.ok(off.body.details.errors.length > 0, `why: ${off.body.details.errors[0]}`);
  const events = (await call(srv.base, 'GET', '/api/vehicle/events')).body.events as { kind: string; detail: string }[];
  t.ok(events.some((e) => e.kind === 'link' && /did not open/.test(e.detail)), 'the event log says so');
});
