// The session around a tracker: output fields, loss reasons, prediction
// limits, the re-detection window and its expiry. Scripted trackers make the
// session's own rules testable frame by frame; re-detection runs on real
// rendered frames with a real tracker that is blindfolded for a while.

import t from 'tap';
import type { Measurement, PixelBox, RgbFrame, Tracker } from '../../lib/vision/types.js';
import { TrackingSession } from '../../lib/vision/tracking-session.js';
import { HybridTracker } from '../../lib/vision/hybrid-tracker.js';
import { AerialScene } from '../../lib/capture/synthetic/aerial-scene.js';
import { iou } from '../helpers/boxes.js';

const W = 640;
const H = 480;
const grey = (): RgbFrame => ({ data: new Uint8Array(W * H * 3).fill(128), width: W, height: H });

/** Returns whatever the test sets in `next` (a box and appearance, or null). */
class ScriptedTracker implements Tracker {
  readonly name = 'SCRIPT';
  readonly algorithm = 'scripted';
  next: Measurement | null = null;
  inits = 0;
  init(): void {
    this.inits++;
  }
  update(): Measurement | null {
    return this.next;
  }
}

const m = (x: number, y: number, w = 40, h = 30, appearance = 1): Measurement => ({ box: { x, y, w, h }, appearance });

t.test('a measured frame carries the original\'s fields, normalised coordinates and px/s velocity', async (t) => {
  const tr = new ScriptedTracker();
  const s = new TrackingSession(tr);
  const f = grey();
  const first = s.start(f, { x: 300, y: 220, w: 40, h: 30 }, 1000, 7);
  t.equal(first.frame_id, 7);
  t.equal(first.target_state, 'measured');
  let o = first;
  for (let i = 1; i <= 30; i++) {
    tr.next = m(300 + 3 * i, 220, 40, 30);
    o = s.process(f, 1000 + i / 30, 7 + i);
  }
  for (const k of ['data_type', 'timestamp', 'tracking_active', 'tracker_id', 'position_2d', 'bbox', 'normalized_bbox', 'confidence',
    'velocity', 'measurement_source', 'prediction_only', 'data_is_stale', 'target_state', 'last_measurement_timestamp',
    'predicted_bbox', 'usable_for_following', 'frame_id']) t.ok(k in o, `has ${k}`);
  t.equal(o.frame_id, 37);
  t.equal(o.timestamp, 1000 + 30 / 30);
  t.equal(o.tracker_id, 'SCRIPT');
  t.equal(o.tracking_active, true);
  t.equal(o.measurement_source, 'tracker');
  t.equal(o.data_type, 'VELOCITY_AWARE');
  t.ok(Math.abs(o.velocity!.vx - 90) < 5, `vx ${o.velocity!.vx.toFixed(1)} ≈ 90 px/s (3 px per frame at 30 fps)`);
  t.ok(Math.abs(o.velocity!.magnitude - Math.hypot(o.velocity!.vx, o.velocity!.vy)) < 1e-9);
  t.same(o.bbox, [390, 220, 40, 30]);
  // Centre (410, 235) → ((410 − 320)/320, (235 − 240)/240).
  t.ok(Math.abs(o.position_2d![0] - 90 / 320) < 1e-9 && Math.abs(o.position_2d![1] + 5 / 240) < 1e-9, 'position_2d normalised');
  t.ok(Math.abs(o.normalized_bbox![0] - (390 - 320) / 320) < 1e-9 && Math.abs(o.normalized_bbox![2] - 40 / 640) < 1e-9, 'normalized_bbox');
  t.equal(o.usable_for_following, true);
  t.equal(o.loss_reason, null);
});

t.test('a failing tracker: prediction only, loss details, stale after 1 s, prediction stops at 1 s', async (t) => {
  const tr = new ScriptedTracker();
  const s = new TrackingSession(tr);
  const f = grey();
  s.start(f, { x: 200, y: 200, w: 40, h: 30 }, 0, 0);
  for (let i = 1; i <= 20; i++) {
    tr.next = m(200 + 2 * i, 200);
    s.process(f, i / 30, i);
  }
  const conf = s.process(f, 21 / 30, 21).confidence;
  tr.next = null;
  const o = s.process(f, 22 / 30, 22);
  t.equal(o.target_state, 'prediction_only');
  t.equal(o.prediction_only, true);
  t.equal(o.tracking_active, false);
  t.equal(o.usable_for_following, false);
  t.equal(o.measurement_source, 'prediction');
  t.equal(o.loss_reason, 'tracker_failed');
  t.equal(o.reject_detail, 'no_measurement');
  t.equal(o.frames_lost, 1);
  t.equal(o.confidence_at_loss, conf);
  t.equal(o.exit_edge, null);
  t.ok(o.last_seen_bbox![0] >= 240, 'last seen box is the last measurement');
  t.equal(o.data_is_stale, false, 'fresh within 1 s');
  t.ok(o.predicted_bbox![0] > o.last_seen_bbox![0], 'the estimate keeps moving');
  let last = o.predicted_bbox![0];
  let frozenAt = -1;
  for (let i = 23; i <= 90; i++) {
    const p = s.process(f, i / 30, i);
    t.equal(p.frames_lost, i - 21);
    if (p.predicted_bbox![0] === last && frozenAt < 0) frozenAt = i;
    last = p.predicted_bbox![0];
    if (i === 60) t.equal(p.data_is_stale, true, 'stale after more than 1 s without a measurement');
  }
  t.ok(frozenAt > 0 && frozenAt / 30 - 22 / 30 <= 1.1, `prediction alone stops within ~1 s (held from frame ${frozenAt})`);
});

t.test('leaving the frame is reported as left_frame with the exit edge', async (t) => {
  const tr = new ScriptedTracker();
  const s = new TrackingSession(tr);
  const f = grey();
  s.start(f, { x: 500, y: 200, w: 40, h: 30 }, 0, 0);
  let x = 500;
  for (let i = 1; i <= 30 && x + 40 < W - 1; i++) {
    x = Math.min(W - 42, 500 + 4 * i);
    tr.next = m(x, 200);
    s.process(f, i / 30, i);
  }
  tr.next = m(x + 4, 200); // 2 px from the edge: within the 5 px margin
  s.process(f, 31 / 30, 31);
  tr.next = null;
  const o = s.process(f, 32 / 30, 32);
  t.equal(o.loss_reason, 'left_frame');
  t.equal(o.exit_edge, 'right');
  const s2 = new TrackingSession(tr);
  s2.start(f, { x: 300, y: 10, w: 40, h: 30 }, 0, 0);
  for (let i = 1; i <= 12; i++) {
    tr.next = m(300, 10 - i);
    s2.process(f, i / 30, i);
  }
  tr.next = m(300, -40, 40, 30); // entirely above the frame
  const o2 = s2.process(f, 13 / 30, 13);
  t.equal(o2.loss_reason, 'left_frame');
  t.equal(o2.exit_edge, 'top');
  t.equal(o2.reject_detail, 'outside_frame');
});

t.test('invalid boxes and look mismatches have their own reasons', async (t) => {
  const tr = new ScriptedTracker();
  const f = grey();
  const s = new TrackingSession(tr);
  s.start(f, { x: 300, y: 200, w: 40, h: 30 }, 0, 0);
  tr.next = { box: { x: NaN, y: 200, w: 40, h: 30 }, appearance: 1 };
  t.equal(s.process(f, 1 / 30, 1).loss_reason, 'invalid_bbox');
  const s2 = new TrackingSession(tr);
  s2.start(f, { x: 300, y: 200, w: 40, h: 30 }, 0, 0);
  for (let i = 1; i <= 10; i++) {
    tr.next = m(300, 200);
    s2.process(f, i / 30, i);
  }
  tr.next = m(300, 200, 40, 30, 0.5);
  const o = s2.process(f, 11 / 30, 11);
  t.equal(o.loss_reason, 'appearance_mismatch');
  t.equal(o.usable_for_following, false);
  tr.next = m(300, 200, 40, 30, 1);
  t.equal(s2.process(f, 12 / 30, 12).usable_for_following, false, 'first good frame after a rejection: not yet usable');
  s2.process(f, 13 / 30, 13);
  t.equal(s2.process(f, 14 / 30, 14).usable_for_following, true, 'third good frame: usable');
});

t.test('a rejected but anchored (partly hidden) measurement steers the estimate; an unanchored weak one does not', async (t) => {
  const f = grey();
  const run = (anchored: boolean, appearance: number) => {
    const tr = new ScriptedTracker();
    const s = new TrackingSession(tr);
    s.start(f, { x: 300, y: 200, w: 40, h: 30 }, 0, 0);
    for (let i = 1; i <= 15; i++) {
      tr.next = m(300, 200);
      s.process(f, i / 30, i);
    }
    // The target turns down while mostly hidden: the tracker sees its edge 60 px below the old track.
    let o = s.process(f, 16 / 30, 16);
    for (let i = 16; i <= 30; i++) {
      tr.next = { box: { x: 300, y: 260, w: 40, h: 30 }, appearance, anchored };
      o = s.process(f, i / 30, i);
    }
    return o;
  };
  const steered = run(true, 0.05);
  t.equal(steered.target_state, 'prediction_only', 'still not measured');
  t.equal(steered.usable_for_following, false);
  t.ok(steered.predicted_bbox![1] > 240, `anchored: estimate moved to y ${steered.predicted_bbox![1].toFixed(1)}`);
  const coasted = run(false, 0.05);
  t.ok(Math.abs(coasted.predicted_bbox![1] - 200) < 5, `not anchored, appearance 0.05: estimate stays at y ${coasted.predicted_bbox![1].toFixed(1)}`);
  const visible = run(false, 0.5);
  t.ok(visible.predicted_bbox![1] > 240, 'not anchored but appearance ≥ 0.15: steers');
});

t.test('nothing found for 5 s: five re-detection attempts ~0.83 s apart, then tracking stops and says why', async (t) => {
  const tr = new ScriptedTracker();
  const f = grey(); // flat: template matching finds nothing
  const s = new TrackingSession(tr);
  s.start(f, { x: 300, y: 200, w: 40, h: 30 }, 0, 0);
  tr.next = null;
  const attemptsAt: number[] = [];
  let before = 0;
  let o = s.process(f, 1 / 30, 1);
  for (let i = 2; i <= 200 && s.status.state === 'tracking'; i++) {
    o = s.process(f, i / 30, i);
    if (s.status.redetect_attempts > before) {
      attemptsAt.push(i / 30 - 1 / 30);
      before = s.status.redetect_attempts;
    }
  }
  t.equal(attemptsAt.length, 5, `attempts at ${attemptsAt.map((x) => x.toFixed(2)).join(', ')} s after the loss`);
  for (let k = 1; k < attemptsAt.length; k++) t.ok(Math.abs(attemptsAt[k] - attemptsAt[k - 1] - 5 / 6) < 0.05, 'spaced ~0.83 s');
  t.equal(s.status.state, 'lost');
  t.equal(s.status.tracking_started, false);
  t.equal(s.status.stop_reason, 'tracker_failed');
  t.equal(o.target_state, 'inactive');
  t.equal(o.tracking_active, false);
  t.equal(o.loss_reason, 'tracker_failed', 'the output still says why');
  t.equal(tr.inits, 1, 'never re-initialised');
  s.stop();
  t.equal(s.status.state, 'idle');
});

/** A real tracker that sees nothing for a while (a video glitch): the session must re-detect. */
class Blindfolded implements Tracker {
  readonly name = 'CSRT';
  readonly algorithm = 'hybrid, blindfolded';
  readonly inner = new HybridTracker();
  blind = false;
  inits = 0;
  init(frame: RgbFrame, box: PixelBox): void {
    this.inits++;
    this.inner.init(frame, box);
  }
  update(frame: RgbFrame, p: PixelBox | null): Measurement | null {
    return this.blind ? null : this.inner.update(frame, p);
  }
}

t.test('re-detection by template matching re-initialises the tracker; following resumes after fresh measurements', async (t) => {
  const scene = new AerialScene({ width: W, height: H, kind: 'aerial' });
  const data = new Uint8Array(W * H * 3);
  const frame = { data, width: W, height: H };
  const tr = new Blindfolded();
  const s = new TrackingSession(tr);
  let gt = scene.render(0, data);
  const b = gt[0].bbox;
  s.start(frame, { x: b[0], y: b[1], w: b[2], h: b[3] }, 0, 0);
  let redetectedAt = -1;
  let usableAgainAt = -1;
  let goodIou = 0;
  for (let i = 1; i < 150; i++) {
    tr.blind = i >= 40 && i < 100;
    gt = scene.render(i, data);
    const o = s.process(frame, i / 30, i);
    if (o.measurement_source === 'redetection' && redetectedAt < 0) {
      redetectedAt = i;
      t.equal(o.usable_for_following, false, 'the re-detection frame itself is not usable');
    }
    if (i >= 100 && o.usable_for_following && usableAgainAt < 0) usableAgainAt = i;
    if (i >= 105 && o.bbox && iou(o.bbox, gt[0].bbox) >= 0.7) goodIou++;
  }
  t.ok(redetectedAt >= 40 + 25 && redetectedAt <= 40 + 30, `re-detected at frame ${redetectedAt} (first attempt ~0.83 s after the loss)`);
  t.ok(tr.inits >= 2, 'tracker re-initialised on the match');
  t.ok(s.status.redetections >= 1);
  t.ok(usableAgainAt >= 102 && usableAgainAt <= 106, `usable again at frame ${usableAgainAt}: 3 good frames after the blindfold came off`);
  t.ok(goodIou >= 40, `${goodIou}/45 frames at IoU ≥ 0.7 after recovery`);
});

t.test('bad input gets clear errors', async (t) => {
  const s = new TrackingSession(new ScriptedTracker());
  const f = grey();
  t.throws(() => s.start(f, { x: 10, y: 10, w: 0, h: 10 }, 0, 0), /at least 2x2/);
  t.throws(() => s.start(f, { x: 10, y: 10, w: 10, h: 10 }, NaN, 0), /timestamp/);
  t.throws(() => s.start({ data: new Uint8Array(10), width: W, height: H }, { x: 10, y: 10, w: 10, h: 10 }, 0, 0), /RGB bytes/);
  s.start(f, { x: 10, y: 10, w: 10, h: 10 }, 0, 0);
  t.throws(() => s.process({ data: new Uint8Array(320 * 240 * 3), width: 320, height: 240 }, 1, 1), /frame size changed/);
  t.throws(() => s.process(f, NaN, 1), /timestamp must be a finite number/);
  s.stop();
  const o = s.process(f, 2, 2);
  t.equal(o.target_state, 'inactive');
  t.equal(o.bbox, null);
});
