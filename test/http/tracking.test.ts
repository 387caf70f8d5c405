// Tracking through the HTTP API on the synthetic aerial scene, scored against
// the scene's own ground truth: start_tracking from the true box (and from
// one 25 % too large), then for 10 s compare /telemetry/tracker_data with
// /api/sim/targets by frame_id. Smart mode: a click on each target selects
// it and starts the tracker on it; a click on bare ground selects nothing.
// The bounds here are sanity bounds; the figures are the bench's.

import t from 'tap';
import { call } from '../helpers/http.js';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';
import { openWs } from '../helpers/stream-client.js';
import { waitFor } from '../helpers/wait.js';
import sharp from 'sharp';

type Box = [number, number, number, number];
interface Truth { frame_id: number; timestamp: number; targets: { id: number; class_name: string; bbox: Box; visible: boolean }[] }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function iou(a: Box, b: Box): number {
  const x0 = Math.max(a[0], b[0]);
  const y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]);
  const y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const i = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  return i / (a[2] * a[3] + b[2] * b[3] - i);
}

async function server(t: Parameters<typeof startInProcess>[0]): Promise<InProcessServer> {
  const srv = await startInProcess(t, { source: { type: 'synthetic', scene: 'aerial' }, streaming: { width: 640, height: 480, fps: 30 } });
  await waitFor(async () => (await call(srv.base, 'GET', '/api/sim/targets')).status === 200, 'the camera to make a frame');
  // Commands wait for the first live frame.
  await waitFor(async () => (await call(srv.base, 'GET', '/status')).body.video_status === 'healthy', 'video to be live');
  return srv;
}

async function truthNow(base: string): Promise<Truth> {
  return (await call(base, 'GET', '/api/sim/targets')).body as Truth;
}

/** Polls tracker_data for `ms`, scoring each new frame against the truth of that frame. */
async function score(base: string, targetId: number, ms: number): Promise<{ ious: number[]; active: number; frames: number[] }> {
  const ious: number[] = [];
  const frames: number[] = [];
  let active = 0;
  const end = performance.now() + ms;
  let last = -1;
  while (performance.now() < end) {
    const td = (await call(base, 'GET', '/telemetry/tracker_data')).body;
    const id = td.tracker_data?.frame_id as number | undefined;
    if (id !== undefined && id !== last) {
      last = id;
      const truth = (await call(base, 'GET', `/api/sim/targets?frame_id=${id}`)).body as Truth;
      const target = truth.targets.find((x) => x.id === targetId);
      if (target?.visible && td.tracker_data.bbox) {
        ious.push(iou(td.tracker_data.bbox as Box, target.bbox));
        frames.push(id);
        if (td.tracker_data.tracking_active) active++;
      }
    }
    await sleep(50);
  }
  return { ious, active, frames };
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

t.test('ground truth: /api/sim/targets by frame_id, 400/404 for bad or unknown ids', async (t) => {
  const srv = await server(t);
  const now = await truthNow(srv.base);
  t.ok(now.targets.length >= 2, `targets: ${now.targets.map((x) => x.class_name).join(', ')}`);
  for (const x of now.targets) t.match(x, { id: Number, class_name: String, visible: Boolean });
  const again = (await call(srv.base, 'GET', `/api/sim/targets?frame_id=${now.frame_id}`)).body as Truth;
  t.same(again, now, 'the same record by id');
  t.equal((await call(srv.base, 'GET', '/api/sim/targets?frame_id=-3')).status, 400);
  t.equal((await call(srv.base, 'GET', '/api/sim/targets?frame_id=abc')).status, 400);
  const future = await call(srv.base, 'GET', `/api/sim/targets?frame_id=${now.frame_id + 100000}`);
  t.equal(future.status, 404);
  t.equal(future.body.code, 'SKYFEED_ERR_SIM_FRAME_UNKNOWN');
  const other = await startInProcess(t, { source: { type: 'ffmpeg', input: '/nonexistent/x.mp4' } });
  t.equal((await call(other.base, 'GET', '/api/sim/targets')).body.code, 'SKYFEED_ERR_SIM_UNAVAILABLE', 'no truth for a real camera');
});

for (const [label, grow] of [['the true box', 1], ['a box 25 % too large', 1.25]] as const) {
  t.test(`tracking the car from ${label}: telemetry scored against ground truth over 10 s`, async (t) => {
    const srv = await server(t);
    const truth = await truthNow(srv.base);
    const car = truth.targets.find((x) => x.visible && x.class_name === 'car') ?? truth.targets.find((x) => x.visible)!;
    const [x, y, w, h] = car.bbox;
    const box = { x: x + w / 2 - (w * grow) / 2, y: y + h / 2 - (h * grow) / 2, width: w * grow, height: h * grow };
    const started = await call(srv.base, 'POST', '/commands/start_tracking', box);
    t.equal(started.status, 200, JSON.stringify(started.body));
    t.equal(started.body.status, 'Tracking started');
    t.equal((await call(srv.base, 'GET', '/status')).body.tracking_started, true);
    const s = await score(srv.base, car.id, 10_000);
    const good = s.ious.filter((v) => v >= 0.5).length / s.ious.length;
    t.ok(s.ious.length >= 50, `${s.ious.length} distinct frames scored in 10 s`);
    t.ok(s.frames.every((f, i) => i === 0 || f > s.frames[i - 1]), 'frame ids only increase');
    t.ok(mean(s.ious) >= 0.6, `mean IoU ${mean(s.ious).toFixed(3)}`);
    t.ok(good >= 0.8, `${(good * 100).toFixed(0)} % of frames at IoU ≥ 0.5`);
    t.ok(s.active / s.ious.length >= 0.8, `tracking_active on ${s.active} of ${s.ious.length} frames`);
    const td = (await call(srv.base, 'GET', '/telemetry/tracker_data')).body;
    t.equal(td.tracker_started, true);
    t.match(td.tracker_data, { data_type: String, tracker_id: 'CSRT', confidence: Number, bbox_pixel: Array, normalized_bbox: Array });
    t.ok(td.tracker_data.velocity === null || typeof td.tracker_data.velocity.magnitude === 'number', 'velocity in px/s or null');
    t.equal((await call(srv.base, 'POST', '/commands/stop_tracking')).status, 200);
    await waitFor(async () => (await call(srv.base, 'GET', '/telemetry/tracker_data')).body.tracker_started !== true, 'tracking to stop');
    t.pass('stopped');
  });
}

t.test('smart mode: a click on each target tracks it; a click on bare ground selects nothing', async (t) => {
  const srv = await server(t);
  const on = await call(srv.base, 'POST', '/commands/toggle_smart_mode');
  t.equal(on.body.smart_mode_active, true, JSON.stringify(on.body));
  t.equal(on.body.detector, 'contrast');
  await waitFor(async () => {
    const td = (await call(srv.base, 'GET', '/telemetry/tracker_data')).body;
    return td.tracker_data?.data_type === 'MULTI_TARGET' && td.tracker_data.targets.length > 0 ? td : null;
  }, 'a detector pass with targets');
  const first = await truthNow(srv.base);
  for (const id of first.targets.map((x) => x.id)) {
    // What the operator sees now (the ring keeps only the last few frames).
    const truth = await truthNow(srv.base);
    const target = truth.targets.find((x) => x.id === id)!;
    if (!target.visible) continue;
    const [x, y, w, h] = target.bbox;
    // The operator clicks on the frame they see: its id goes with the click.
    const r = await call(srv.base, 'POST', '/commands/smart_click', { x: Math.round(x + w / 2), y: Math.round(y + h / 2), frame_id: truth.frame_id });
    t.equal(r.status, 200);
    t.equal(r.body.selected, true, `${target.class_name}: ${r.body.message}`);
    if (!r.body.selected) continue;
    const b = r.body.target.bbox as Box;
    const at = (await call(srv.base, 'GET', `/api/sim/targets?frame_id=${r.body.frame_id}`)).body as Truth;
    const tb = at.targets.find((z) => z.id === target.id)!.bbox;
    t.ok(iou(b, tb) >= 0.5, `${target.class_name}: selected box IoU ${iou(b, tb).toFixed(2)} with the truth (${b.map(Math.round)} vs ${tb.map(Math.round)})`);
    t.equal(r.body.frame_id, truth.frame_id, 'the click was judged on the frame it was made on');
    t.equal(r.body.tracking.status, 'Tracking started');
    await call(srv.base, 'POST', '/commands/stop_tracking');
    const after = (await call(srv.base, 'GET', '/telemetry/tracker_data')).body;
    t.equal(after.tracker_data?.data_type, 'MULTI_TARGET', 'stopped in smart mode: back to the detector\'s table');
  }
  // Bare ground: a point at least 60 px from every target.
  const truth = await truthNow(srv.base);
  const far = (px: number, py: number) => truth.targets.every((z) => px < z.bbox[0] - 60 || px > z.bbox[0] + z.bbox[2] + 60 || py < z.bbox[1] - 60 || py > z.bbox[1] + z.bbox[3] + 60);
  const spots = [[40, 40], [600, 40], [40, 440], [600, 440], [320, 40], [320, 440]].filter(([px, py]) => far(px, py));
  t.ok(spots.length > 0, 'a bare-ground spot exists');
  const ground = await call(srv.base, 'POST', '/commands/smart_click', { x: spots[0][0], y: spots[0][1] });
  t.equal(ground.status, 200);
  t.equal(ground.body.selected, false, `ground: ${ground.body.message}`);
  t.notOk(ground.body.tracking, 'nothing started');
  const st = (await call(srv.base, 'GET', '/status')).body;
  t.equal(st.tracking_started, false, 'not tracking after a ground click');
  const schema = (await call(srv.base, 'GET', '/api/tracker/schema')).body;
  t.equal(schema.smart_tracker.detector, 'contrast');
  t.ok(schema.available_trackers.some((e: { name: string; implemented: boolean }) => e.name === 'CSRT' && e.implemented));
});

t.test('smart mode with a model that does not load says so and runs the built-in detector', async (t) => {
  const srv = await startInProcess(t, { source: { type: 'synthetic', scene: 'aerial' }, smart: { detect_fps: 4, model_path: '/nonexistent/yolo.onnx' } });
  await waitFor(async () => (await call(srv.base, 'GET', '/status')).body.video_status === 'healthy', 'video to be live');
  const on = await call(srv.base, 'POST', '/commands/toggle_smart_mode');
  t.equal(on.status, 200);
  t.equal(on.body.smart_mode_active, true);
  t.equal(on.body.detector, 'contrast');
  t.match(on.body.warning, /ONNX model not used: .*(\/nonexistent\/yolo\.onnx|onnxruntime-node)/, `warning: ${on.body.warning}`);
  const schema = (await call(srv.base, 'GET', '/api/tracker/schema')).body;
  t.equal(schema.smart_tracker.onnx.available, false);
  t.type(schema.smart_tracker.onnx.why, 'string');
  const put = await call(srv.base, 'PUT', '/api/config/smart/model_path', { value: '/tmp/evil.onnx' });
  t.equal(put.status, 403, 'the model path is file-only: the API cannot choose a file to load');
});

t.test('OSD and WS metas follow the tracker: the box in each meta matches the truth of its frame; the bracket is in the picture', async (t) => {
  const srv = await startInProcess(t, {
    source: { type: 'synthetic', scene: 'aerial' }, streaming: { width: 640, height: 480, fps: 30 }, osd: { enabled: true, preset: 'minimal' },
  });
  await waitFor(async () => (await call(srv.base, 'GET', '/status')).body.video_status === 'healthy', 'video to be live');
  const ws = await openWs(`ws://127.0.0.1:${srv.port}/ws/video_feed`);
  t.teardown(() => ws.close());
  const truth = await truthNow(srv.base);
  const car = truth.targets.find((x) => x.class_name === 'car' && x.visible)!;
  const [x, y, w, h] = car.bbox;
  t.equal((await call(srv.base, 'POST', '/commands/start_tracking', { x, y, width: w, height: h })).status, 200);
  const from = ws.parts.length;
  await ws.waitParts(from + 40);
  const scored: number[] = [];
  for (const p of ws.parts.slice(from + 10, from + 40)) {
    if (!p.meta?.box) continue;
    const at = (await call(srv.base, 'GET', `/api/sim/targets?frame_id=${p.meta.frame_id}`)).body as Truth;
    const tb = at.targets.find((z) => z.id === car.id);
    if (tb?.visible) scored.push(iou(p.meta.box as Box, tb.bbox));
  }
  t.ok(scored.length >= 20, `${scored.length} metas with a box`);
  t.ok(mean(scored) >= 0.6, `meta box against the truth of its frame: mean IoU ${mean(scored).toFixed(2)}`);
  // The minimal preset draws the box's corner brackets in tracking yellow (3 px outside the box).
  const yellowNear = async (): Promise<number> => {
    const td = (await call(srv.base, 'GET', '/telemetry/tracker_data')).body;
    const b = (td.tracker_data?.bbox ?? car.bbox) as Box;
    const jpeg = Buffer.from(await (await fetch(`${srv.base}/snapshot`)).arrayBuffer());
    const { data } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    let n = 0;
    for (let py = Math.max(0, Math.round(b[1]) - 12); py < Math.min(480, Math.round(b[1] + b[3]) + 12); py++) {
      for (let px = Math.max(0, Math.round(b[0]) - 12); px < Math.min(640, Math.round(b[0] + b[2]) + 12); px++) {
        const o = (py * 640 + px) * 3;
        if (data[o] >= 200 && data[o + 1] >= 180 && data[o + 2] <= 130) n++;
      }
    }
    return n;
  };
  const tracked = await yellowNear();
  t.ok(tracked >= 20, `${tracked} tracking-yellow pixels around the tracked box`);
  await call(srv.base, 'POST', '/commands/stop_tracking');
  await waitFor(async () => (await call(srv.base, 'GET', '/status')).body.tracking_started === false, 'tracking to stop');
  await new Promise((r) => setTimeout(r, 200));
  const after = await yellowNear();
  t.ok(after < tracked / 4, `after stop: ${after} yellow pixels there`);
});
