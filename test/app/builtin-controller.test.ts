import t from 'tap';
import { BuiltinController, type ControllerDeps } from '../../lib/app/builtin-controller.js';
import { SkyfeedError, type ErrorCode } from '../../lib/errors.js';

function make(over: Partial<ControllerDeps> = {}) {
  let frame = true;
  const deps: ControllerDeps = {
    frame: () => ({ width: 640, height: 480 }),
    hasFrame: () => frame,
    ...over,
  };
  return { c: new BuiltinController(deps), setFrame: (v: boolean) => (frame = v) };
}

function caught(fn: () => unknown): { code?: ErrorCode; detail?: unknown } {
  try {
    fn();
  } catch (err) {
    return err as SkyfeedError;
  }
  return {};
}

async function caughtAsync(p: Promise<unknown>): Promise<{ code?: ErrorCode; detail?: unknown }> {
  return p.then(() => ({}), (err: SkyfeedError) => err);
}

/** The refusal's code, or 'ok'. */
function code(fn: () => unknown): ErrorCode | 'ok' {
  try {
    fn();
  } catch (err) {
    if (err instanceof SkyfeedError) return err.code;
    throw err;
  }
  return 'ok';
}

t.test('every command is refused before the first frame', async (t) => {
  const { c, setFrame } = make();
  setFrame(false);
  t.equal(code(() => c.startTracking({ x: 0.1, y: 0.1, width: 0.2, height: 0.2 })), 'SKYFEED_ERR_NO_VIDEO_FRAME');
  t.equal(code(() => c.stopTracking()), 'SKYFEED_ERR_NO_VIDEO_FRAME');
  t.equal(code(() => c.toggleSmartMode()), 'SKYFEED_ERR_NO_VIDEO_FRAME');
  t.equal(code(() => c.smartClick(1, 1)), 'SKYFEED_ERR_NO_VIDEO_FRAME');
  t.match(await caughtAsync(c.startOffboard()), { code: 'SKYFEED_ERR_NO_VIDEO_FRAME' });
  t.match(await caughtAsync(c.stopOffboard()), { code: 'SKYFEED_ERR_NO_VIDEO_FRAME' });
  t.same(c.flags, { tracking_started: false, smart_mode_active: false, following_active: false, segmentation_active: false });
  setFrame(true);
  t.equal((await c.startTracking({ x: 0.1, y: 0.1, width: 0.2, height: 0.2 })).status, 'Tracking started');
});

t.test('tracker_data reports the commanded box honestly', async (t) => {
  const { c } = make();
  t.same(c.trackerData(), {}, 'nothing tracked: {}');
  const r = await c.startTracking({ x: 160, y: 120, width: 320, height: 240 });
  t.same(r.bbox, { x: 160, y: 120, width: 320, height: 240 }, 'pixels stay pixels');
  const d = c.trackerData() as Record<string, any>;
  t.same(d.bounding_box, [160, 120, 320, 240]);
  t.same(d.center, [0, 0], 'a centred box has centre 0,0');
  t.equal(d.tracker_started, true);
  t.equal(d.box_source, 'commanded');
  t.equal(d.tracker_data.tracking_active, false, 'no tracker runs: not claimed as tracked');
  t.equal(d.tracker_data.confidence, null, 'no invented confidence');
  t.notOk('velocity' in d.tracker_data, 'no invented velocity');
  t.same(d.tracker_data.normalized_bbox, [-0.5, -0.5, 0.5, 0.5]);
  t.match(d.timestamp, /^\d{4}-\d\d-\d\dT.*Z$/);
  c.stopTracking();
  t.same(c.trackerData(), {});
});

t.test('smart mode on cancels tracking; smart_click needs smart mode', async (t) => {
  const { c } = make();
  t.equal(code(() => c.smartClick(0.5, 0.5)), 'SKYFEED_ERR_SMART_MODE_OFF');
  c.startTracking({ x: 0, y: 0, width: 0.5, height: 0.5 });
  t.equal(c.flags.tracking_started, true);
  t.equal((await c.toggleSmartMode()).status, 'Smart mode enabled');
  t.equal(c.flags.tracking_started, false, 'tracking cancelled');
  t.same(c.trackerData(), {});
  const click = c.smartClick(0.5, 0.25);
  t.match(click, { status: 'Click processed', x: 0.5, y: 0.25, pixel: { x: 320, y: 120 } });
  t.equal(code(() => c.smartClick(5000, 1)), 'SKYFEED_ERR_GEOMETRY_INVALID', 'click outside the frame');
  t.equal((await c.toggleSmartMode()).status, 'Smart mode disabled');
  t.equal(code(() => c.smartClick(0.5, 0.5)), 'SKYFEED_ERR_SMART_MODE_OFF');
});

t.test('offboard start/stop are idempotent and report steps', async (t) => {
  const { c } = make();
  const stop0 = await c.stopOffboard();
  t.equal(stop0.status, 'success');
  t.equal(stop0.was_active, false);
  t.match(stop0.details.steps[0], /not active/);
  const a = await c.startOffboard();
  t.equal(a.status, 'success');
  t.equal(a.details.initial_state.following_active, false);
  t.equal(a.details.final_state.following_active, true);
  t.type(a.details.execution_time_ms, 'number');
  t.ok(a.details.warnings.some((w) => /no flight-controller link/.test(w)), 'says nothing reaches a vehicle');
  const b = await c.startOffboard();
  t.match(b.details.steps[0], /Stopped the active follower/, 'start stops the active follower first');
  t.equal(c.flags.following_active, true);
  const f = c.followerData() as Record<string, any>;
  t.same(f.fields, {}, 'no invented setpoints');
  t.equal(f.profile_name, 'mc_velocity_ground');
  t.equal(f.following_active, true);
  const s1 = await c.stopOffboard();
  t.equal(s1.was_active, true);
  const s2 = await c.stopOffboard();
  t.equal(s2.was_active, false);
  t.same(c.followerData(), {}, 'no follower: {}');
});

t.test('tracker switch: refused while following; unknown names list the valid ones', async (t) => {
  const { c } = make();
  t.match(caught(() => c.switchTracker('MOSSE')), { code: 'SKYFEED_ERR_UNKNOWN_TRACKER', detail: /valid: CSRT, KCF, dlib, Gimbal/ });
  t.match(c.switchTracker('kcf'), { status: 'success', action: 'tracker_switched', old_tracker: 'CSRT', new_tracker: 'KCF', requires_restart: false });
  await c.startOffboard();
  t.match(caught(() => c.switchTracker('CSRT')), { code: 'SKYFEED_ERR_FOLLOWING_ACTIVE' });
  t.match(c.switchProfile('fw_attitude_rate'), { status: 'success', old_profile: 'mc_velocity_ground', new_profile: 'fw_attitude_rate' });
  t.match(caught(() => c.switchProfile('nope')), { code: 'SKYFEED_ERR_UNKNOWN_PROFILE', detail: /mc_velocity_chase/ });
  t.equal((c.followerData() as Record<string, unknown>).control_type, 'attitude_rate');
});
