import t, { type Test } from 'tap';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FollowApi } from '../../../bench/vehicle/follow-api.js';
import { newestTruth, TruthSampler } from '../../../bench/vehicle/truth-sampler.js';

// A camera's ground-truth endpoint on a real socket: a frame every 10 ms,
// the newest without frame_id, ?frame_id=N for the last 50, 404 for ids
// divisible by 7 (as for a frame no longer held) and for unknown ones.
async function fakeCamera(t: Test): Promise<{ port: number; tokenSeen: () => string | undefined }> {
  const t0 = performance.now();
  const newest = () => Math.floor((performance.now() - t0) / 10);
  let auth: string | undefined;
  const record = (id: number) => ({
    frame_id: id, timestamp: id / 100,
    targets: [{ id: 1, class_name: 'car', bbox: [id % 600, 10, 40, 20], visible: true }, { id: 2, class_name: 'person', bbox: [5, 5, 8, 8], visible: true }],
  });
  const srv = http.createServer((req, res) => {
    auth = req.headers.authorization;
    const u = new URL(req.url!, 'http://x');
    const raw = u.searchParams.get('frame_id');
    const n = newest();
    const id = raw === null ? n : Number(raw);
    if (u.pathname !== '/api/sim/targets' || id > n || id < n - 50 || (raw !== null && id % 7 === 0)) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"unknown frame"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(record(id)));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => srv.close(() => r())));
  return { port: (srv.address() as AddressInfo).port, tokenSeen: () => auth };
}

t.test('every frame between two marks is fetched, the ones the camera no longer holds are absent', async (t) => {
  const cam = await fakeCamera(t);
  const s = new TruthSampler(new FollowApi(cam.port, 'secret-token-123456'), 1);
  s.start();
  const first = await s.mark();
  await new Promise((r) => setTimeout(r, 600));
  const last = await s.mark();
  await s.stop();
  await s.stop();
  t.equal(cam.tokenSeen(), 'Bearer secret-token-123456');
  t.ok(last - first >= 40, `${last - first} frames in 600 ms`);
  const missing: number[] = [];
  for (let id = first; id <= last; id++) if (!s.frames.has(id)) missing.push(id);
  t.ok(missing.every((id) => id % 7 === 0), `only the 404 ids are missing: ${missing.join(',')}`);
  t.ok(missing.length >= Math.floor((last - first) / 7) - 1, 'and those are');
  const f = s.frames.get(last)!;
  t.same(f.bbox, [last % 600, 10, 40, 20], 'the followed target\'s box, not the other one');
  t.equal(f.visible, true);
});

t.test('a server error ends the loop and stop() reports it', async (t) => {
  const srv = http.createServer((_req, res) => res.writeHead(500).end('boom'));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => srv.close(() => r())));
  const s = new TruthSampler(new FollowApi((srv.address() as AddressInfo).port, 'secret-token-123456'), 1);
  s.start();
  await new Promise((r) => setTimeout(r, 50));
  await t.rejects(s.stop(), /HTTP 500 boom/);
});

t.test('the newest frame is asked again when its ground truth is not recorded yet (404), and gives up after 20 tries', async (t) => {
  let asked = 0;
  let notYet = 2;
  const srv = http.createServer((_req, res) => {
    asked++;
    if (notYet-- > 0) res.writeHead(404).end('{"code":"SKYFEED_ERR_SIM_FRAME_UNKNOWN"}');
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{"frame_id":5,"timestamp":1,"targets":[]}');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => srv.close(() => r())));
  const api = new FollowApi((srv.address() as AddressInfo).port, 'secret-token-123456');
  t.equal((await newestTruth(api)).frame_id, 5);
  t.equal(asked, 3);
  notYet = 1000;
  await t.rejects(newestTruth(api), /after 20 tries/);
});

