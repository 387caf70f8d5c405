// A bug in a handler (an exception that is not a SkyfeedError) answers 500
// SKYFEED_ERR_INTERNAL and leaves the server serving: the router's guard for
// plain routes (/stats) and the endpoint's for declared JSON endpoints. The
// exception itself goes to the log (an error line), not into the answer.

import t from 'tap';
import { call } from '../helpers/http.js';
import { startInProcess } from '../helpers/in-process.js';

t.test('a throwing handler answers 500 and the server goes on', async (t) => {
  const srv = await startInProcess(t, {});
  const ctx = srv.server.context;
  // A plain router route.
  const snapshot = ctx.stats.snapshot;
  ctx.stats.snapshot = () => { throw new Error('boom in /stats'); };
  const stats = await call(srv.base, 'GET', '/stats');
  ctx.stats.snapshot = snapshot;
  t.equal(stats.status, 500);
  t.equal(stats.body.code, 'SKYFEED_ERR_INTERNAL');
  t.notMatch(JSON.stringify(stats.body), /boom/, 'the exception text stays in the log, not in the answer');

  // A declared endpoint.
  const list = ctx.restream.list;
  ctx.restream.list = () => { throw new TypeError('boom in /api/restream'); };
  const rs = await call(srv.base, 'GET', '/api/restream');
  ctx.restream.list = list;
  t.equal(rs.status, 500);
  t.equal(rs.body.code, 'SKYFEED_ERR_INTERNAL');

  t.equal((await call(srv.base, 'GET', '/stats')).status, 200, 'the same route answers again');
  t.equal((await call(srv.base, 'GET', '/status')).status, 200, 'and the server serves on');
});
