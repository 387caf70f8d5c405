import t from 'tap';
import { RateLimiter } from '../../lib/util/rate-limiter.js';
import { startInProcess } from '../helpers/in-process.js';
import { call, waitForVideo } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

t.test('sliding window per bucket and client, retry_after from the oldest request', async (t) => {
  let now = 0;
  const rl = new RateLimiter({ window_s: 10, max_requests: 3, max_clients: 100 }, () => now);
  t.teardown(() => rl.close());
  for (let i = 0; i < 3; i++, now += 1000) t.ok(rl.check('config', 'a').allowed);
  t.same(rl.check('config', 'a'), { allowed: false, retryAfter: 7 }, 'oldest at 0 s leaves the window at 10 s; now is 3 s');
  t.ok(rl.check('config', 'b').allowed, 'another client has its own window');
  t.ok(rl.check('commands', 'a').allowed, 'another bucket has its own window');
  now = 10_001;
  t.ok(rl.check('config', 'a').allowed, 'the oldest request slid out');
  t.notOk(rl.check('config', 'a').allowed, 'requests at 1 s and 2 s are still inside, plus the new one');
});

t.test('memory is bounded: idle keys are swept and the table is capped', async (t) => {
  let now = 0;
  const rl = new RateLimiter({ window_s: 1, max_requests: 5, max_clients: 16 }, () => now);
  t.teardown(() => rl.close());
  for (let i = 0; i < 1000; i++) rl.check('commands', `10.0.${i >> 8}.${i & 255}`);
  t.ok(rl.size <= 16, `key table capped (${rl.size})`);
  now = 5000;
  rl.sweep();
  t.equal(rl.size, 0, 'idle keys evicted');
});

t.test('a client ring grows as it sends, keeps order across growth, and holds the exact limit', async (t) => {
  let now = 0;
  const rl = new RateLimiter({ window_s: 1, max_requests: 50, max_clients: 4 }, () => now);
  t.teardown(() => rl.close());
  // Three requests slide out mid-way, so the ring wraps before it grows.
  for (let i = 0; i < 3; i++, now += 1) t.ok(rl.check('c', 'a').allowed);
  now = 50;
  let allowed = 0;
  for (let i = 0; i < 60; i++, now += 1) if (rl.check('c', 'a').allowed) allowed++;
  t.equal(allowed, 47, 'exactly max_requests inside the window, across ring growth');
  now = 1002.5; // the three early ones (0, 1, 2 ms) have slid out
  t.ok(rl.check('c', 'a').allowed);
  t.ok(rl.check('c', 'a').allowed);
  t.ok(rl.check('c', 'a').allowed);
  const d = rl.check('c', 'a');
  t.notOk(d.allowed, 'full again: the order of timestamps survived the growth');
  t.equal(d.retryAfter, 1, 'the oldest left (at 50 ms) leaves the window within a second');
});

t.test('the config refuses a limiter whose worst case would not fit its memory bound', async (t) => {
  const { loadConfig } = await import('../../lib/config/load.js');
  const { writeConfig } = await import('../helpers/child-server.js');
  t.throws(() => loadConfig(writeConfig({ rate_limit: { max_requests: 100000, max_clients: 1000000 } })), /rate_limit\.max_requests: value 100000 × rate_limit\.max_clients 1000000 must be <= 4194304/);
  t.ok(loadConfig(writeConfig({ rate_limit: { max_requests: 1000, max_clients: 4096 } })));
});

t.test('server: 429 with Retry-After and JSON body, then recovery after the window', async (t) => {
  const srv = await startInProcess(t, { rate_limit: { window_s: 1, max_requests: 3, max_clients: 64 } });
  await waitForVideo(srv.base);
  const t0 = Date.now();
  for (let i = 0; i < 3; i++) t.equal((await call(srv.base, 'POST', '/commands/stop_tracking')).status, 200);
  const r = await call(srv.base, 'POST', '/commands/stop_tracking');
  t.equal(r.status, 429);
  t.match(r.headers.get('retry-after'), /^[1-9]\d*$/);
  t.match(r.body, { success: false, error: 'Too many requests', retry_after: Number(r.headers.get('retry-after')), detail: /Rate limit exceeded/ });
  t.type(r.body.timestamp, 'number');
  // Config writes have their own bucket: commands being limited does not block them.
  t.equal((await call(srv.base, 'PUT', '/api/config/streaming/quality', { value: 80 })).status, 200);
  const firstWriteDone = Date.now();
  // Reads are never limited.
  t.equal((await call(srv.base, 'GET', '/status')).status, 200);
  // Refused (and not counted) until the first request slides out of the 1 s
  // window, then served (test/timing/rate-limit-window.test.ts: at 1.1 s).
  let refused = 0;
  await waitFor(async () => {
    const s = (await call(srv.base, 'POST', '/commands/stop_tracking')).status;
    if (s === 429) refused++;
    return s === 200;
  }, 'commands to be allowed again after the window', { timeoutMs: 5000, everyMs: 50 });
  const waited = Date.now() - t0;
  t.ok(waited >= 1000, `allowed again after the window, not before (${waited} ms; ${refused} refused meanwhile)`);
  // Config bucket over its limit too, once the write above has left its window.
  await waitFor(() => Date.now() > firstWriteDone + 1000, 'the first config write to leave its 1 s window');
  for (let i = 0; i < 3; i++) t.equal((await call(srv.base, 'PUT', '/api/config/streaming/quality', { value: 80 })).status, 200);
  const c = await call(srv.base, 'PUT', '/api/config/streaming/quality', { value: 80 });
  t.equal(c.status, 429, 'config writes are limited');
});
