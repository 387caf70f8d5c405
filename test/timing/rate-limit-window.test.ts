// Timing suite: the rate limiter's window on the real clock. After 1.1 s
// the 1 s window has passed and a limited client is served again (the
// default suite waits for that moment instead; test/util/rate-limiter.test.ts
// checks the window arithmetic on a fake clock).

import t from 'tap';
import { startInProcess } from '../helpers/in-process.js';
import { call, waitForVideo } from '../helpers/http.js';

t.test('a limited client is served again 1.1 s later (window_s 1)', async (t) => {
  const srv = await startInProcess(t, { rate_limit: { window_s: 1, max_requests: 3, max_clients: 64 } });
  await waitForVideo(srv.base);
  for (let i = 0; i < 3; i++) t.equal((await call(srv.base, 'POST', '/commands/stop_tracking')).status, 200);
  t.equal((await call(srv.base, 'POST', '/commands/stop_tracking')).status, 429);
  await new Promise((res) => setTimeout(res, 1100));
  t.equal((await call(srv.base, 'POST', '/commands/stop_tracking')).status, 200, 'allowed again after the window');
});
