import t from 'tap';
import { startInProcess } from '../helpers/in-process.js';
import { call } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

t.test('telemetry: {} when idle, commanded box and follower state after commands', async (t) => {
  const srv = await startInProcess(t);
  const b = srv.base;
  t.same((await call(b, 'GET', '/telemetry/tracker_data')).body, {});
  t.same((await call(b, 'GET', '/telemetry/follower_data')).body, {});
  const st = (await call(b, 'GET', '/status')).body;
  for (const k of ['smart_mode_active', 'tracking_started', 'segmentation_active', 'following_active', 'video_status', 'streaming', 'clients', 'uptime', 'timestamp']) {
    t.ok(k in st, `/status has ${k}`);
  }
  t.ok(await waitFor(async () => (await call(b, 'POST', '/commands/start_tracking', { x: 0.5, y: 0.5, width: 0.25, height: 0.25 })).status === 200,
    'start_tracking to be accepted (after the first frame)', { timeoutMs: 5000, everyMs: 50 }));
  const td = (await call(b, 'GET', '/telemetry/tracker_data')).body;
  t.match(td, {
    bounding_box: [320, 240, 160, 120], center: [0.25, 0.25], tracker_started: true, box_source: 'commanded',
    tracker_data: { data_type: 'POSITION_2D', tracking_active: false, confidence: null, bbox_pixel: [320, 240, 160, 120], normalized_bbox: [0, 0, 0.25, 0.25] },
  });
  t.notOk('velocity' in td.tracker_data, 'no invented velocity');
  t.ok(!Number.isNaN(Date.parse(td.timestamp)), 'ISO timestamp');

  await call(b, 'POST', '/commands/start_offboard_mode');
  const fd = (await call(b, 'GET', '/telemetry/follower_data')).body;
  t.match(fd, { fields: {}, profile_name: 'mc_velocity_ground', control_type: 'velocity_body_offboard', following_active: true });
  t.type(fd.timestamp, 'number');
});
