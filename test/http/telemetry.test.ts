import t from 'tap';
import { startInProcess } from '../helpers/in-process.js';
import { call } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

t.test('telemetry: {} when idle, the tracker\'s output and follower state after commands', async (t) => {
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
  // The first output is the start frame itself: the box as given, measured.
  const td = (await call(b, 'GET', '/telemetry/tracker_data')).body;
  t.match(td, {
    bounding_box: Array, center: Array, tracker_started: true, has_output: true, frame_id: Number,
    tracker_data: { data_type: String, tracker_id: 'CSRT', tracking_active: Boolean, confidence: Number, bbox_pixel: Array, normalized_bbox: Array },
  });
  t.same(td.tracker_data.bbox_pixel, td.tracker_data.bbox, 'bbox_pixel is the original\'s name for bbox');
  t.ok('velocity' in td.tracker_data, 'velocity (px/s) or null');
  t.ok(!Number.isNaN(Date.parse(td.timestamp)), 'ISO timestamp');

  await call(b, 'POST', '/commands/start_offboard_mode');
  const fd = (await call(b, 'GET', '/telemetry/follower_data')).body;
  t.match(fd, { fields: {}, profile_name: 'mc_velocity_ground', control_type: 'velocity_body_offboard', following_active: true });
  t.type(fd.timestamp, 'number');
});
