// The controller's state machine with a VisionPort (the tracker and the
// smart-mode detector), driven by a scripted port instead of threads: a
// start failure is a 409 with its reason, a tracker that gives up clears
// tracking_started and says why, smart mode reports a model that did not
// load, clicks start the tracker on the clicked frame or start nothing.

import t from 'tap';
import { BuiltinController } from '../../lib/app/builtin-controller.js';
import type { VisionPort } from '../../lib/app/vision-port.js';
import { SkyfeedError } from '../../lib/errors.js';
import { emptyOutput, type TrackerOutput } from '../../lib/vision/tracker-output.js';
import type { SessionStatus } from '../../lib/vision/tracking-session.js';
import type { ClickAnswer } from '../../lib/vision/detector-client.js';

function output(frameId: number, box: [number, number, number, number]): TrackerOutput {
  return { ...emptyOutput('CSRT'), frame_id: frameId, bbox: box, tracking_active: true, target_state: 'measured', timestamp: 1 };
}

function scripted() {
  const calls: { start: unknown[][]; stops: number } = { start: [], stops: 0 };
  const tracker = {
    latest: null as TrackerOutput | null,
    status: null as SessionStatus | null,
    active: false,
    lastError: null as string | null,
    fail: null as string | null,
    async start(box: { x: number; y: number; w: number; h: number }, name: string, frameId?: number) {
      calls.start.push([box, name, frameId]);
      if (tracker.fail) throw new Error(tracker.fail);
      tracker.latest = output(frameId ?? 7, [box.x, box.y, box.w, box.h]);
      tracker.status = { state: 'tracking', tracking_started: true, stop_reason: null, redetect_attempts: 0, redetections: 0 };
      tracker.active = true;
      return tracker.latest;
    },
    stop() {
      calls.stops++;
      tracker.active = false;
    },
  };
  let answer: ClickAnswer = { selection: null, reason: 'nothing', ms: 0.1, frameId: 42 };
  const detector = {
    info: null as VisionPort['detector']['info'],
    async enable() {
      detector.info = { detector: 'contrast', onnx: { available: false, why: 'model /x.onnx does not load' } };
      return detector.info;
    },
    disable() {},
    output: (w: number, h: number) => ({ data_type: 'MULTI_TARGET' as const, timestamp: 0, frame_id: 1, tracking_active: false, targets: [], selected_target_id: null, w, h }),
    async click() { return answer; },
    select() {},
    clearSelection() {},
  };
  const port = { tracker, detector } as unknown as VisionPort;
  return { port, tracker, calls, setAnswer: (a: ClickAnswer) => { answer = a; } };
}

function make() {
  const s = scripted();
  const c = new BuiltinController({ frame: () => ({ width: 640, height: 480 }), hasFrame: () => true, vision: s.port });
  return { c, ...s };
}

t.test('start_tracking runs the tracker; a failed start is SKYFEED_ERR_TRACKER_START_FAILED with the reason', async (t) => {
  const { c, tracker, calls } = make();
  const r = await c.startTracking({ x: 10, y: 20, width: 30, height: 40 });
  t.match(r, { status: 'Tracking started', tracker: 'CSRT', frame_id: 7 });
  t.same(calls.start[0][0], { x: 10, y: 20, w: 30, h: 40 });
  t.equal(c.flags.tracking_started, true);
  t.same((c.trackerData() as { tracker_data: { bbox_pixel: number[] } }).tracker_data.bbox_pixel, [10, 20, 30, 40]);
  tracker.fail = 'the frame is no longer in the ring';
  let err: unknown;
  try {
    await c.startTracking({ x: 10, y: 20, width: 30, height: 40 });
  } catch (e) {
    err = e;
  }
  t.ok(err instanceof SkyfeedError && err.code === 'SKYFEED_ERR_TRACKER_START_FAILED' && /no longer in the ring/.test(err.message), String(err));
});

t.test('a tracker that gives up: tracking_started false at once, tracker_data says why', async (t) => {
  const { c, tracker } = make();
  await c.startTracking({ x: 10, y: 20, width: 30, height: 40 });
  tracker.active = false;
  tracker.status = { state: 'lost', tracking_started: false, stop_reason: 'left_frame', redetect_attempts: 5, redetections: 0 };
  c.trackerStopped();
  t.equal(c.flags.tracking_started, false, '/status reads the flag');
  const td = c.trackerData() as Record<string, unknown>;
  t.equal(td.tracker_started, false);
  t.equal(td.stop_reason, 'left_frame');
  t.match(td.message, /gave up: left_frame/);
});

t.test('smart mode reports a model that did not load; clicks start the tracker on the clicked frame, or nothing', async (t) => {
  const { c, calls, setAnswer } = make();
  const on = await c.toggleSmartMode();
  t.match(on, { smart_mode_active: true, detector: 'contrast', warning: /ONNX model not used: model \/x.onnx does not load/ });
  const none = await c.smartClick(100, 100, 40);
  t.match(none, { selected: false, message: /nothing/ });
  t.equal(calls.start.length, 0, 'nothing started');
  setAnswer({
    selection: { status: 'selected', rule: 'inside', index: 0, distance_px: 0, tentative: false, detection: { bbox: [90, 90, 20, 20], class_id: 0, class_name: 'object', score: 0.8 } },
    reason: null, ms: 0.3, frameId: 40,
  });
  const hit = await c.smartClick(100, 100, 40);
  t.match(hit, { selected: true, frame_id: 40, target: { class_name: 'object' }, tracking: { status: 'Tracking started' } });
  t.equal(calls.start[0][2], 40, 'the tracker starts on the frame the click was judged on');
});
