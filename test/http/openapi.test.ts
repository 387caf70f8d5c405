import t from 'tap';
import { startInProcess } from '../helpers/in-process.js';
import { call } from '../helpers/http.js';
import { schemas } from '../../lib/http/api-schemas.js';

const expected: [string, string][] = [
  ['post', '/commands/start_tracking'], ['post', '/commands/stop_tracking'], ['post', '/commands/toggle_smart_mode'],
  ['post', '/commands/smart_click'], ['post', '/commands/start_offboard_mode'], ['post', '/commands/stop_offboard_mode'],
  ['get', '/telemetry/tracker_data'], ['get', '/telemetry/follower_data'], ['get', '/status'], ['get', '/stats'], ['get', '/metrics'],
  ['get', '/api/config/current'], ['get', '/api/config/current/{section}'], ['get', '/api/config/schema'],
  ['put', '/api/config/{section}/{param}'], ['get', '/api/config/history'], ['post', '/api/config/restore/{backup_id}'],
  ['get', '/api/config/diff'], ['post', '/api/config/revert/{section}/{param}'], ['get', '/api/config/default'], ['get', '/api/config/audit'],
  ['get', '/api/video/health'], ['post', '/api/video/reconnect'],
  ['get', '/api/tracker/schema'], ['post', '/api/tracker/switch'], ['get', '/api/follower/profiles'], ['post', '/api/follower/switch-profile'],
  ['get', '/'], ['get', '/app/{file}'], ['get', '/video_feed'], ['get', '/snapshot'], ['get', '/ws/video_feed'], ['get', '/ws/telemetry'], ['get', '/openapi.json'], ['get', '/docs'],
  ['post', '/api/auth/login'], ['post', '/api/auth/logout'], ['get', '/api/auth/whoami'],
  ['get', '/api/auth/tokens'], ['post', '/api/auth/tokens'], ['delete', '/api/auth/tokens/{name}'],
  ['get', '/api/sim/targets'], ['get', '/api/sim/vehicle'], ['post', '/api/sim/faults'],
  ['get', '/api/vehicle/status'], ['get', '/api/vehicle/telemetry'], ['get', '/api/vehicle/events'],
  ['get', '/api/restream'], ['get', '/api/restream/{label}'], ['post', '/api/restream/{label}/start'], ['post', '/api/restream/{label}/stop'],
  ['get', '/ws/webrtc_signaling'], ['post', '/whep'], ['patch', '/whep/{id}'], ['delete', '/whep/{id}'],
];

t.test('/openapi.json documents every endpoint with the validating schemas; /docs renders it', async (t) => {
  // With the simulated vehicle, so that the vehicle routes answer too.
  const srv = await startInProcess(t, { vehicle: { connection: 'sim' } });
  const doc = (await call(srv.base, 'GET', '/openapi.json')).body;
  t.equal(doc.openapi, '3.1.0');
  for (const [m, p] of expected) t.ok(doc.paths[p]?.[m], `${m.toUpperCase()} ${p}`);
  const documented = Object.entries(doc.paths as Record<string, object>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
  t.same(documented.sort(), expected.map(([m, p]) => `${m} ${p}`).sort(), 'nothing undocumented, nothing invented');
  for (const [m, p] of expected) t.match(doc.paths[p][m]['x-skyfeed-role'], /^(public|viewer|operator|admin)$/, `${m} ${p} states its role`);
  t.equal(doc.paths['/commands/start_tracking'].post['x-skyfeed-role'], 'operator');
  t.ok(doc.paths['/commands/start_tracking'].post.responses['401'], '401 documented where a token is needed');
  for (const [name, schema] of Object.entries(schemas)) t.same(doc.components.schemas[name], schema, `${name} is the validating schema`);
  const put = doc.paths['/api/config/{section}/{param}'].put;
  t.equal(put.requestBody.content['application/json'].schema.$ref, '#/components/schemas/ConfigValue');
  t.same(put.parameters.map((p: { name: string }) => p.name), ['section', 'param']);
  t.ok(put.responses['422'] && put.responses['413'] && put.responses['429'] && put.responses['404']);

  // Each documented JSON path really answers (not 404) — docs and routes agree.
  for (const [m, p] of expected) {
    if (m !== 'get' || p.includes('{') || p === '/video_feed' || p === '/' || p.startsWith('/ws/')) continue;
    // A route's own 404 (e.g. /api/sim/vehicle while a slow machine is still starting the sim) is not a missing route.
    const r = await fetch(srv.base + p);
    const body = r.status === 404 ? await r.text() : '';
    t.notMatch(body, /"Not Found: /, `GET ${p} exists`);
  }

  const html = await fetch(`${srv.base}/docs`);
  t.equal(html.status, 200);
  t.match(html.headers.get('content-type'), /text\/html/);
  const page = await html.text();
  t.notMatch(page, /<script|https?:\/\/(?!skyfeed)/, 'self-contained: no scripts, no external URLs');
  for (const [, p] of expected) t.ok(page.includes(`<code>${p}</code>`), `lists ${p}`);
  t.match(page, /BoundingBox/);
});
