// GET /metrics against a real server: strict Prometheus text format,
// counters that move under real MJPEG/WS viewers and a running tracker,
// client gauges that follow connects and disconnects, and the role check.

import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { call, waitForVideo } from '../helpers/http.js';
import { TEST_ADMIN_TOKEN } from '../helpers/child-server.js';
import { startInProcess } from '../helpers/in-process.js';
import { openMjpeg, openWs } from '../helpers/stream-client.js';
import { waitFor } from '../helpers/wait.js';
import { parsePrometheusText, sampleValue, type PromFamily } from '../helpers/prom-text.js';

type Families = Map<string, PromFamily>;

async function scrape(base: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string | null; text: string }> {
  const h: Record<string, string> = { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, ...headers };
  if (h.authorization === '') delete h.authorization;
  const res = await fetch(`${base}/metrics`, { headers: h });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

async function metrics(base: string): Promise<Families> {
  const r = await scrape(base);
  if (r.status !== 200) throw new Error(`/metrics answered ${r.status}: ${r.text.slice(0, 200)}`);
  return parsePrometheusText(r.text);
}

const v = (f: Families, name: string, labels: Record<string, string> = {}) => {
  const x = sampleValue(f, name, labels);
  if (x === undefined) throw new Error(`no sample ${name} ${JSON.stringify(labels)}`);
  return x;
};

t.test('the exposition parses strictly: every family has HELP and TYPE, skyfeed_ names, _total counters', async (t) => {
  const srv = await startInProcess(t);
  const r = await scrape(srv.base);
  t.equal(r.status, 200);
  t.match(r.type, /^text\/plain; version=0\.0\.4/);
  const fams = parsePrometheusText(r.text);
  t.ok(fams.size >= 30, `${fams.size} families`);
  for (const f of fams.values()) {
    t.ok(f.name.startsWith('skyfeed_'), `${f.name}: prefixed`);
    t.ok(f.help !== null && f.help.length > 0, `${f.name}: HELP`);
    if (f.type === 'counter') t.match(f.name, /_total$/, `${f.name}: a counter ends in _total`);
  }
  for (const name of ['skyfeed_process_resident_memory_bytes', 'skyfeed_nodejs_eventloop_lag_seconds', 'skyfeed_capture_frames_total',
    'skyfeed_encode_duration_seconds', 'skyfeed_tracker_duration_seconds', 'skyfeed_stream_clients', 'skyfeed_webrtc_peers']) {
    t.ok(fams.has(name), `${name} is exposed`);
  }
  t.equal(fams.get('skyfeed_encode_duration_seconds')!.type, 'histogram');
  t.ok(v(fams, 'skyfeed_process_resident_memory_bytes') > 10e6, 'RSS in bytes');
  t.same(fams.get('skyfeed_vehicle_link_up')!.samples, [], 'no vehicle configured: no link sample (not a false 0)');
});

t.test('the Grafana dashboard queries only metrics the server exposes', async (t) => {
  const srv = await startInProcess(t);
  const fams = await metrics(srv.base);
  const names = new Set<string>();
  for (const f of fams.values()) {
    names.add(f.name);
    for (const s of f.samples) names.add(s.name);
  }
  const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../deploy/grafana/skyfeed.json');
  const dash = JSON.parse(readFileSync(file, 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
  t.ok(dash.panels.length >= 10, `${dash.panels.length} panels`);
  for (const p of dash.panels) {
    for (const target of p.targets) {
      for (const m of target.expr.match(/skyfeed_[a-z0-9_]+/g) ?? []) t.ok(names.has(m), `${p.title}: ${m}`);
    }
  }
});

t.test('counters move under MJPEG and WS viewers; client gauges follow them', async (t) => {
  const srv = await startInProcess(t, { streaming: { width: 320, height: 240, fps: 20 } });
  await waitForVideo(srv.base);
  const before = await metrics(srv.base);
  t.equal(v(before, 'skyfeed_stream_clients', { transport: 'mjpeg' }), 0);

  const m1 = await openMjpeg(`${srv.base}/video_feed`);
  const m2 = await openMjpeg(`${srv.base}/video_feed?quality=40`);
  const ws = await openWs(`${srv.base}/ws/video_feed`);
  t.teardown(() => { m1.close(); m2.close(); ws.close(); });
  await Promise.all([m1.waitParts(15), m2.waitParts(15), ws.waitParts(15)]);
  const during = await metrics(srv.base);
  t.equal(v(during, 'skyfeed_stream_clients', { transport: 'mjpeg' }), 2, 'two MJPEG viewers');
  t.equal(v(during, 'skyfeed_stream_clients', { transport: 'ws' }), 1, 'one WS viewer');
  t.equal(v(during, 'skyfeed_stream_clients', { transport: 'webrtc' }), 0);
  const sentM = v(during, 'skyfeed_stream_frames_sent_total', { transport: 'mjpeg' });
  const sentW = v(during, 'skyfeed_stream_frames_sent_total', { transport: 'ws' });
  t.ok(sentM >= m1.received + m2.received - 2, `MJPEG frames sent ${sentM} ≥ what the two viewers received (${m1.received + m2.received})`);
  t.ok(sentW >= ws.received - 1, `WS frames sent ${sentW} ≥ received ${ws.received}`);
  t.ok(v(during, 'skyfeed_stream_sent_bytes_total', { transport: 'mjpeg' }) > sentM * 500, 'bytes are counted');
  t.ok(v(during, 'skyfeed_capture_frames_total') > v(before, 'skyfeed_capture_frames_total'), 'capture frames grow');
  const encodes = v(during, 'skyfeed_encodes_total');
  t.ok(v(during, 'skyfeed_encode_frames_total') > 0 && encodes >= v(during, 'skyfeed_encode_frames_total'), 'frames encoded, two tiers');
  t.equal(v(during, 'skyfeed_encode_duration_seconds_count'), encodes, 'one histogram observation per encode');
  t.ok(v(during, 'skyfeed_encode_duration_seconds_sum') > 0, 'encode time summed, in seconds');
  const meanMs = (1000 * v(during, 'skyfeed_encode_duration_seconds_sum')) / encodes;
  t.ok(meanMs < 1000, `mean encode ${meanMs.toFixed(2)} ms: the sum is in seconds, not ms`);
  // A rate over the last second, sampled each second: wait for a sample rather than race the tick.
  await waitFor(async () => v(await metrics(srv.base), 'skyfeed_capture_fps') > 0, 'a capture fps above 0');

  await Promise.all([m1.waitParts(m1.received + 10), ws.waitParts(ws.received + 10)]);
  const later = await metrics(srv.base);
  t.ok(v(later, 'skyfeed_stream_frames_sent_total', { transport: 'mjpeg' }) > sentM, 'MJPEG frames sent keep growing');
  t.ok(v(later, 'skyfeed_stream_frames_sent_total', { transport: 'ws' }) > sentW, 'WS frames sent keep growing');

  m1.close();
  m2.close();
  ws.close();
  await waitFor(async () => {
    const f = await metrics(srv.base);
    return v(f, 'skyfeed_stream_clients', { transport: 'mjpeg' }) === 0 && v(f, 'skyfeed_stream_clients', { transport: 'ws' }) === 0;
  }, 'client gauges back to 0 after the viewers left');
  const after = await metrics(srv.base);
  t.ok(v(after, 'skyfeed_stream_frames_sent_total', { transport: 'mjpeg' }) >= v(later, 'skyfeed_stream_frames_sent_total', { transport: 'mjpeg' }),
    'a counter does not go back when its clients leave');
});

t.test('the tracker histogram fills while tracking', async (t) => {
  const srv = await startInProcess(t, { streaming: { width: 320, height: 240, fps: 20 } });
  await waitForVideo(srv.base);
  const started = await call(srv.base, 'POST', '/commands/start_tracking', { x: 120, y: 80, width: 60, height: 60 });
  t.equal(started.status, 200, JSON.stringify(started.body));
  t.teardown(() => call(srv.base, 'POST', '/commands/stop_tracking'));
  await waitFor(async () => v(await metrics(srv.base), 'skyfeed_tracker_frames_total') >= 10, '10 tracked frames');
  const f = await metrics(srv.base);
  const n = v(f, 'skyfeed_tracker_duration_seconds_count');
  t.ok(n >= 10, `${n} tracker passes in the histogram`);
  t.ok(n <= v(f, 'skyfeed_tracker_frames_total'), 'no more observations than processed frames');
  t.ok(v(f, 'skyfeed_tracker_duration_seconds_sum') > 0);
});

t.test('role viewer: with viewer_access token, no token is 401, a wrong one 401, a viewer token 200', async (t) => {
  const srv = await startInProcess(t, { auth: { viewer_access: 'token' } });
  t.equal((await scrape(srv.base, { authorization: '' })).status, 401, 'no token');
  const wrong = 'Bearer sf_wrong_token_000000000000000000000000000000000';
  t.equal((await scrape(srv.base, { authorization: wrong })).status, 401, 'wrong token');
  const made = await call(srv.base, 'POST', '/api/auth/tokens', { name: 'prometheus', role: 'viewer' });
  t.equal(made.status, 201);
  const r = await scrape(srv.base, { authorization: `Bearer ${made.body.token as string}` });
  t.equal(r.status, 200, 'a viewer token scrapes');
  t.doesNotThrow(() => parsePrometheusText(r.text));
  t.ok(srv.server.routes.some((e) => e.path === '/metrics' && e.method === 'get' && e.access === 'viewer'), 'registered as viewer');
});

t.test('the parser is strict (so the tests above can fail)', async (t) => {
  const ok = '# HELP a_total x\n# TYPE a_total counter\na_total{l="v"} 1\n';
  t.doesNotThrow(() => parsePrometheusText(ok));
  const hist = (b1: number, b2: number, inf: number, count: number) =>
    `# HELP h x\n# TYPE h histogram\nh_bucket{le="0.1"} ${b1}\nh_bucket{le="1"} ${b2}\nh_bucket{le="+Inf"} ${inf}\nh_sum 1\nh_count ${count}\n`;
  t.doesNotThrow(() => parsePrometheusText(hist(1, 2, 3, 3)));
  t.throws(() => parsePrometheusText(hist(2, 1, 3, 3)), /not cumulative/);
  t.throws(() => parsePrometheusText(hist(1, 2, 3, 4)), /\+Inf bucket 3 != _count 4/);
  t.throws(() => parsePrometheusText('a_total 1\n'), /without a TYPE/);
  t.throws(() => parsePrometheusText('# TYPE a gauge\na{l="v\\q"} 1\n'), /bad escape/);
  t.throws(() => parsePrometheusText('# TYPE a gauge\na{1l="v"} 1\n'), /bad label name/);
  t.throws(() => parsePrometheusText('# TYPE a gauge\na{l=v} 1\n'), /quoted/);
  t.throws(() => parsePrometheusText('# TYPE a gauge\na 1\na 2\n'), /duplicate series/);
  t.throws(() => parsePrometheusText('# TYPE a gauge\n# TYPE b gauge\na 1\n'), /outside its family/);
  t.throws(() => parsePrometheusText('# TYPE a gauge\na one\n'), /bad value/);
  t.throws(() => parsePrometheusText('# TYPE a gauge\na 1'), /end with a newline/);
  t.throws(() => parsePrometheusText('# TYPE a_total counter\na_total -1\n'), />= 0/);
});
