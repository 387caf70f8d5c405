// Every route the router registered, probed as every kind of caller: the
// table comes from the server itself, so a route added later is checked
// without anyone writing a test for it.

import t from 'tap';
import { wsUpgradeStatus } from '../helpers/stream-client.js';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';
import { TEST_ADMIN_TOKEN } from '../helpers/child-server.js';
import type { RouteEntry } from '../../lib/http/router.js';
import type { Access, Role } from '../../lib/http/auth/roles.js';

const SAMPLE: Record<string, string> = {
  section: 'streaming', param: 'quality', backup_id: 'config_20200101_000000_000', name: 'nobody',
};

function urlOf(base: string, r: RouteEntry): string {
  return base + r.path.replace(/:([A-Za-z_]+)/g, (_, n: string) => SAMPLE[n] ?? 'x');
}

/** The status the route answers `headers` with (101 for an accepted WebSocket). */
async function probe(base: string, r: RouteEntry, headers: Record<string, string>): Promise<number> {
  if (r.method === 'ws') return wsUpgradeStatus(urlOf(base, r).replace(/^http/, 'ws'), { headers });
  const method = r.method === 'del' ? 'DELETE' : r.method.toUpperCase();
  const res = await fetch(urlOf(base, r), { method, headers });
  // Streams never end: the status line is all we need.
  await res.body?.cancel();
  return res.status;
}

type Caller = { label: string; role: Role | null; headers: Record<string, string>; bad?: boolean };

function expectation(c: Caller, access: Access, viewerOpen: boolean): 'allowed' | 401 | 403 {
  if (access === 'public') return 'allowed';
  if (c.bad) return 401;
  const rank = { viewer: 1, operator: 2, admin: 3 } as const;
  if (c.role === null) return access === 'viewer' && viewerOpen ? 'allowed' : 401;
  return rank[c.role] >= rank[access] ? 'allowed' : 403;
}

async function callers(srv: InProcessServer): Promise<Caller[]> {
  const tokens = srv.server.context.auth.tokens;
  const viewer = await tokens.create('probe-viewer', 'viewer');
  const operator = await tokens.create('probe-operator', 'operator');
  const bearer = (tok: string) => ({ authorization: `Bearer ${tok}` });
  return [
    { label: 'no token', role: null, headers: {} },
    { label: 'viewer', role: 'viewer', headers: bearer(viewer) },
    { label: 'operator', role: 'operator', headers: bearer(operator) },
    { label: 'admin', role: 'admin', headers: bearer(TEST_ADMIN_TOKEN) },
    { label: 'wrong token', role: null, headers: bearer('sf_not_a_real_token_at_all'), bad: true },
  ];
}

// Probing every route many times from one address: lift the limits so the
// answers are about roles, not rates.
const limits = { rate_limit: { window_s: 10, max_requests: 20000, max_clients: 64 } };

for (const viewerAccess of ['open', 'token'] as const) {
  t.test(`every route, every role (auth.viewer_access ${viewerAccess})`, async (t) => {
    const srv = await startInProcess(t, { ...limits, auth: { viewer_access: viewerAccess } });
      const routes = srv.server.routes;
    t.ok(routes.length >= 35, `the table lists the routes (${routes.length})`);
    for (const kind of ['get', 'post', 'put', 'del', 'ws'] as const) t.ok(routes.some((r) => r.method === kind), `it has ${kind} routes`);
    const who = await callers(srv);
    for (const r of routes) {
      for (const c of who) {
        const status = await probe(srv.base, r, c.headers);
        const want = expectation(c, r.access, viewerAccess === 'open');
        if (want === 'allowed') t.ok(status !== 401 && status !== 403, `${r.method} ${r.path} (${r.access}) as ${c.label}: ${status}`);
        else t.equal(status, want, `${r.method} ${r.path} (${r.access}) as ${c.label}`);
      }
    }
  });
}

t.test('the docs state each route\'s role as the router enforces it', async (t) => {
  const srv = await startInProcess(t);
  const doc = await (await fetch(`${srv.base}/openapi.json`)).json() as { paths: Record<string, Record<string, Record<string, unknown>>> };
  for (const r of srv.server.routes) {
    const p = r.path.replace(/:([A-Za-z_]+)/g, '{$1}').replace(/^\/app\/\*$/, '/app/{file}');
    const m = r.method === 'ws' ? 'get' : r.method === 'del' ? 'delete' : r.method;
    t.equal(doc.paths[p]?.[m]?.['x-skyfeed-role'], r.access, `${m} ${p}`);
  }
});

t.test('the roles the issue names', async (t) => {
  const srv = await startInProcess(t);
  const access = (m: string, p: string) => srv.server.routes.find((r) => r.method === m && r.path === p)?.access;
  for (const p of ['/video_feed', '/snapshot', '/stats', '/status', '/telemetry/tracker_data', '/telemetry/follower_data']) t.equal(access('get', p), 'viewer', p);
  t.equal(access('ws', '/ws/video_feed'), 'viewer');
  t.equal(access('ws', '/ws/telemetry'), 'viewer');
  for (const p of ['/commands/start_tracking', '/commands/start_offboard_mode', '/api/tracker/switch', '/api/follower/switch-profile', '/api/video/reconnect']) {
    t.equal(access('post', p), 'operator', p);
  }
  t.equal(access('put', '/api/config/:section/:param'), 'admin');
  t.equal(access('post', '/api/config/restore/:backup_id'), 'admin');
  t.equal(access('post', '/api/config/revert/:section/:param'), 'admin');
  t.equal(access('get', '/api/config/audit'), 'admin');
});
