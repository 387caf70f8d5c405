import t from 'tap';
import { startInProcess } from '../helpers/in-process.js';
import { call } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

t.test('tracker and follower selection over HTTP', async (t) => {
  const srv = await startInProcess(t, { rate_limit: { window_s: 60, max_requests: 1000, max_clients: 64 } });
  const b = srv.base;
  const schema = (await call(b, 'GET', '/api/tracker/schema')).body;
  t.equal(schema.current_tracker, 'CSRT');
  t.same(schema.available_trackers.map((x: { name: string }) => x.name), ['CSRT', 'KCF', 'dlib', 'Gimbal']);
  t.equal(schema.implemented, true);
  t.match(schema.available_trackers.find((x: { name: string }) => x.name === 'CSRT').description, /Not OpenCV CSRT/, 'says what runs under the name');
  t.equal(schema.available_trackers.find((x: { name: string }) => x.name === 'Gimbal').implemented, false);

  const sw = await call(b, 'POST', '/api/tracker/switch', { tracker_type: 'KCF' });
  t.equal(sw.status, 200);
  t.match(sw.body, { status: 'success', action: 'tracker_switched', old_tracker: 'CSRT', new_tracker: 'KCF', requires_restart: false, message: /KCF/ });
  const bad = await call(b, 'POST', '/api/tracker/switch', { tracker_type: 'MOSSE' });
  t.equal(bad.status, 400);
  t.match(bad.body.detail, /valid: CSRT, KCF, dlib, Gimbal/);
  t.equal((await call(b, 'POST', '/api/tracker/switch', { tracker: 'KCF' })).status, 422, 'schema: wrong field');
  t.equal((await call(b, 'POST', '/api/tracker/switch', { tracker_type: 5 })).status, 422, 'schema: wrong type');

  const profiles = (await call(b, 'GET', '/api/follower/profiles')).body;
  t.same(profiles.profiles.map((p: { name: string }) => p.name), [
    'mc_velocity_ground', 'mc_velocity_distance', 'mc_velocity_position', 'mc_velocity_chase',
    'gm_pid_pursuit', 'gm_velocity_vector', 'fw_attitude_rate', 'mc_velocity', 'mc_attitude_rate',
  ]);
  const sp = await call(b, 'POST', '/api/follower/switch-profile', { profile_name: 'mc_velocity_chase' });
  t.match(sp.body, { status: 'success', action: 'profile_switched', old_profile: 'mc_velocity_ground', new_profile: 'mc_velocity_chase' });
  const badp = await call(b, 'POST', '/api/follower/switch-profile', { profile_name: 'hover' });
  t.equal(badp.status, 400);
  t.match(badp.body.detail, /mc_velocity_ground.*mc_attitude_rate/);

  t.ok(await waitFor(async () => (await call(b, 'POST', '/commands/start_offboard_mode')).status === 200,
    'start_offboard_mode to be accepted (after the first frame)', { timeoutMs: 5000, everyMs: 50 }));
  const refused = await call(b, 'POST', '/api/tracker/switch', { tracker_type: 'CSRT' });
  t.equal(refused.status, 409, 'no tracker switch while following');
  t.equal((await call(b, 'GET', '/api/tracker/schema')).body.current_tracker, 'KCF', 'unchanged');
  t.equal((await call(b, 'GET', '/telemetry/follower_data')).body.profile_name, 'mc_velocity_chase');
  await call(b, 'POST', '/commands/stop_offboard_mode');
  t.equal((await call(b, 'POST', '/api/tracker/switch', { tracker_type: 'dlib' })).status, 200, 'allowed again');
});
