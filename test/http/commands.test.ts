import t from 'tap';
import { startInProcess } from '../helpers/in-process.js';
import { call, waitForVideo } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

t.test('commands over HTTP: success paths, 422, 400, flags in /status', async (t) => {
  const srv = await startInProcess(t, { rate_limit: { window_s: 60, max_requests: 1000, max_clients: 64 } });
  const b = srv.base;
  // Commands are refused until the first frame; wait for it like a client would.
  t.ok(await waitFor(async () => (await call(b, 'GET', '/status')).body.video_status === 'healthy', 'video up', { timeoutMs: 5000, everyMs: 50 }), 'video up');

  const norm = await call(b, 'POST', '/commands/start_tracking', { x: 0.25, y: 0.25, width: 0.5, height: 0.5 });
  t.equal(norm.status, 200);
  t.match(norm.body, { status: 'Tracking started', bbox: { x: 160, y: 120, width: 320, height: 240 }, tracker: 'CSRT', frame_id: Number }, 'normalized → pixels');
  const px = await call(b, 'POST', '/commands/start_tracking', { x: 10, y: 20, width: 30, height: 40 });
  t.same(px.body.bbox, { x: 10, y: 20, width: 30, height: 40 }, 'pixels stay pixels');
  t.equal((await call(b, 'POST', '/commands/start_tracking', { x: 630, y: 20, width: 30, height: 40 })).status, 422, 'outside the frame');
  t.equal((await call(b, 'POST', '/commands/start_tracking', { x: 10, y: 20, width: 0, height: 40 })).status, 422, 'zero size');
  t.match((await call(b, 'GET', '/status')).body, { tracking_started: true, smart_mode_active: false, following_active: false, segmentation_active: false });

  t.same((await call(b, 'POST', '/commands/stop_tracking')).body, { status: 'Tracking stopped' });
  t.equal((await call(b, 'GET', '/status')).body.tracking_started, false);

  const click0 = await call(b, 'POST', '/commands/smart_click', { x: 0.5, y: 0.5 });
  t.equal(click0.status, 400, 'smart_click while smart mode is off');
  await call(b, 'POST', '/commands/start_tracking', { x: 0.1, y: 0.1, width: 0.1, height: 0.1 });
  t.match((await call(b, 'POST', '/commands/toggle_smart_mode')).body, { status: 'Smart mode enabled' });
  t.match((await call(b, 'GET', '/status')).body, { smart_mode_active: true, tracking_started: false }, 'smart mode cancelled tracking');
  t.match((await call(b, 'POST', '/commands/smart_click', { x: 0.5, y: 0.5 })).body, { status: 'Click processed', x: 0.5, y: 0.5 });
  t.match((await call(b, 'POST', '/commands/toggle_smart_mode')).body, { status: 'Smart mode disabled' });

  const on = await call(b, 'POST', '/commands/start_offboard_mode');
  t.equal(on.status, 200);
  t.match(on.body, { status: 'success', details: { steps: Array, errors: [], initial_state: { following_active: false }, final_state: { following_active: true } } });
  t.type(on.body.details.execution_time_ms, 'number');
  const again = await call(b, 'POST', '/commands/start_offboard_mode');
  t.match(again.body.details.steps[0], /Stopped the active follower/);
  t.equal((await call(b, 'GET', '/status')).body.following_active, true);
  const off = await call(b, 'POST', '/commands/stop_offboard_mode');
  t.match(off.body, { status: 'success', was_active: true });
  const off2 = await call(b, 'POST', '/commands/stop_offboard_mode');
  t.match(off2.body, { status: 'success', was_active: false }, 'idempotent');
  t.equal((await call(b, 'GET', '/status')).body.following_active, false);
  t.equal((await call(b, 'GET', '/commands/stop_tracking')).status, 404, 'GET is not a command');
});

t.test('state changes from a foreign browser origin are refused (CSRF)', async (t) => {
  const srv = await startInProcess(t, { http: { cors: { origins: ['http://ground.example'], allow_credentials: false, max_age_s: 60 } } });
  const b = srv.base;
  // Commands are refused (409) until the first frame; this test is about origins.
  await waitForVideo(b);
  const evil = await call(b, 'POST', '/commands/start_offboard_mode', undefined, { origin: 'http://evil.example' });
  t.equal(evil.status, 403);
  t.equal((await call(b, 'GET', '/status')).body.following_active, false, 'nothing happened');
  t.equal((await call(b, 'PUT', '/api/config/streaming/fps', { value: 5 }, { origin: 'http://evil.example' })).status, 403);
  t.equal((await call(b, 'GET', '/status', undefined, { origin: 'http://evil.example' })).status, 200, 'reads are not blocked');
  const same = await call(b, 'POST', '/commands/stop_tracking', undefined, { origin: `http://127.0.0.1:${srv.port}` });
  t.equal(same.status, 200, 'the page this server serves may');
  const listed = await call(b, 'POST', '/commands/stop_tracking', undefined, { origin: 'http://ground.example' });
  t.equal(listed.status, 200, 'a configured origin may');
  t.equal(listed.headers.get('access-control-allow-origin'), 'http://ground.example');
  t.equal((await call(b, 'POST', '/commands/stop_tracking')).status, 200, 'tools without Origin may');
});

t.test('commands are refused with 409 while the camera has never delivered a frame', async (t) => {
  // The ffmpeg input does not exist: the source fails, viewers get NO SIGNAL
  // frames, and those must not count as video for the vision loop.
  const srv = await startInProcess(t, { source: { type: 'ffmpeg', input: '/nonexistent/skyfeed-test.mp4', reconnect_min_ms: 200, reconnect_max_ms: 400 } });
  const b = srv.base;
  t.ok(await waitFor(async () => (await call(b, 'GET', '/api/video/health')).body.status !== 'healthy', 'the source to report no video',
    { timeoutMs: 5000, everyMs: 50 }), 'the source reports it has no video');
  // Let NO SIGNAL frames flow through the pipeline first: a viewer makes it encode them.
  // (The source retries every 200-400 ms and shows NO SIGNAL only between
  // attempts, so on a loaded machine one snapshot wait can miss them all.)
  let snapStatus = 0;
  t.ok(await waitFor(async () => {
    const snap = await fetch(`${b}/snapshot`);
    await snap.arrayBuffer();
    snapStatus = snap.status;
    return snap.status === 200;
  }, 'a (NO SIGNAL) snapshot', { timeoutMs: 20000, everyMs: 50 }), `viewers still get a (NO SIGNAL) picture (${snapStatus})`);
  for (const [path, body] of [
    ['/commands/start_tracking', { x: 0.25, y: 0.25, width: 0.5, height: 0.5 }],
    ['/commands/toggle_smart_mode', undefined],
    ['/commands/start_offboard_mode', undefined],
  ] as const) {
    const r = await call(b, 'POST', path, body);
    t.equal(r.status, 409, `${path} before the first camera frame`);
    t.match(r.body.detail, /No video frame/);
  }
  t.match((await call(b, 'GET', '/status')).body, { tracking_started: false, smart_mode_active: false, following_active: false }, 'no state changed');
});
