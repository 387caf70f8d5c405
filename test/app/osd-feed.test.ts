// The OSD end to end on the synthetic camera: drawn on the encoders' copies
// (a decoded /snapshot shows the centre crosshair; the tracker box where the
// state puts it), never on the raw ring (every slot still holds the camera's
// picture), switched live through the config API, and the tracker box in
// each WebSocket frame's meta.

import t from 'tap';
import sharp from 'sharp';
import { createEngine } from '../../lib/app/engine.js';
import { InlineEncoder } from '../../lib/encode/inline-encoder.js';
import type { RawRing } from '../../lib/bus/raw-ring.js';
import { loadConfig } from '../../lib/config/load.js';
import type { OsdState, OsdTrack } from '../../lib/encode/osd/osd-state.js';
import { tierOf } from '../../lib/policy/quality-tiers.js';
import { writeConfig } from '../helpers/child-server.js';
import { startInProcess } from '../helpers/in-process.js';
import { call, waitForVideo } from '../helpers/http.js';
import { openWs } from '../helpers/stream-client.js';
import { waitFor } from '../helpers/wait.js';

const W = 640;
const H = 480;
/** The static scene repeats one picture: what changes between frames is the OSD alone. */
const CAMERA = { source: { type: 'synthetic', scene: 'static' }, streaming: { width: W, height: H }, webrtc: { enabled: false } };

type Px = [number, number];

/** The centre crosshair's pixels at 640x480: arms of 20 px, a 5 px gap, 2 px thick (osd-renderer.ts). */
function crosshairPixels(): Px[] {
  const out: Px[] = [];
  const cx = W / 2;
  const cy = H / 2;
  for (let i = 0; i < 20; i++) {
    for (const d of [-1, 0]) {
      out.push([cx - 25 + i, cy + d], [cx + 6 + i, cy + d], [cx + d, cy - 25 + i], [cx + d, cy + 6 + i]);
    }
  }
  return out;
}

type Test = (r: number, g: number, b: number) => boolean;
// After JPEG (4:2:0 chroma) a 2 px line keeps its brightness but loses some
// saturation to its neighbours, so colours are tested by what survives.
/** The OSD's white: every channel bright. */
const white: Test = (r, g, b) => Math.min(r, g, b) >= 190;
/** The OSD's exact white, as drawn into a buffer. */
const exactWhite: Test = (r, g, b) => r === 255 && g === 255 && b === 255;
/** The tracking yellow (255, 220, 0): red and green bright, blue well below them. */
const yellow: Test = (r, g, b) => r >= 200 && g >= 180 && b <= 130;

/** Share of `pixels` in `rgb` that pass `test`. */
function share(rgb: Uint8Array, width: number, pixels: Px[], test: Test): number {
  let n = 0;
  for (const [x, y] of pixels) {
    const o = (y * width + x) * 3;
    if (test(rgb[o], rgb[o + 1], rgb[o + 2])) n++;
  }
  return n / pixels.length;
}

async function decodeJpeg(jpeg: Uint8Array): Promise<Buffer> {
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.width !== W || info.height !== H) throw new Error(`decoded ${info.width}x${info.height}`);
  return data;
}

async function snapshotPixels(base: string): Promise<Buffer> {
  const res = await fetch(`${base}/snapshot`);
  if (res.status !== 200) throw new Error(`/snapshot answered ${res.status}`);
  return decodeJpeg(new Uint8Array(await res.arrayBuffer()));
}

/** The share of crosshair pixels drawn exactly in the OSD's white, in every written ring slot (the worst one). */
function ringWhite(ring: RawRing): number {
  let worst = 0;
  for (let slot = 0; slot < ring.slots; slot++) {
    if (ring.slotSeq(slot) < 0) continue;
    worst = Math.max(worst, share(ring.view(slot), W, crosshairPixels(), exactWhite));
  }
  return worst;
}

function track(bbox: [number, number, number, number]): OsdTrack {
  return {
    bbox, predicted_bbox: null, target_state: 'measured', tracker_id: 'CSRT', velocity: null, confidence: 0.9,
    appearance_score: 0.9, motion_score: 0.9, loss_reason: null, frames_lost: 0, frame_id: 0, usable_for_following: true,
  };
}

/** The top-left corner bracket of `bbox` (3 px outside the box, 2 px thick, ≥ 4 px long), interior points only. */
function bracketPixels(bbox: [number, number, number, number]): Px[] {
  const x = bbox[0] - 3;
  const y = bbox[1] - 3;
  const out: Px[] = [];
  for (let i = 2; i < 8; i++) out.push([x + i, y], [x + i, y + 1], [x, y + i], [x + 1, y + i]);
  return out;
}

t.test('osd.enabled: /snapshot shows the centre crosshair; the raw ring never does', async (t) => {
  const srv = await startInProcess(t, { ...CAMERA, osd: { enabled: true, preset: 'professional' } });
  await waitForVideo(srv.base);
  const rgb = await snapshotPixels(srv.base);
  const drawn = share(rgb, W, crosshairPixels(), white);
  t.comment(`crosshair pixels near white: ${(drawn * 100).toFixed(0)} % of the snapshot, ${(ringWhite(srv.server.context.bus.ring) * 100).toFixed(0)} % of the worst ring slot`);
  t.ok(drawn > 0.9, 'the decoded snapshot has the white crosshair');
  t.ok(ringWhite(srv.server.context.bus.ring) < 0.1, 'no ring slot holds it: the camera\'s frames are untouched');
});

t.test('osd off: no crosshair; switched on live through the config API; WS metas carry box and target_state', async (t) => {
  const srv = await startInProcess(t, { ...CAMERA, osd: { enabled: false, preset: 'minimal' } });
  await waitForVideo(srv.base);
  const before = share(await snapshotPixels(srv.base), W, crosshairPixels(), white);
  t.ok(before < 0.2, `without the OSD the centre is the scene (${(before * 100).toFixed(0)} % near white)`);

  const ws = await openWs(`${srv.base.replace('http', 'ws')}/ws/video_feed`);
  t.teardown(() => ws.close());
  await ws.waitParts(2);
  const meta = ws.parts[ws.parts.length - 1].meta!;
  t.match(meta, { type: 'frame', quality: Number, size: Number, frame_id: Number, timestamp: Number });
  // The builtin controller runs no tracker: no box, and it says so.
  t.same([meta.box, meta.target_state], [null, 'inactive'], 'box null and target_state inactive while nothing is tracked');

  const put = await call(srv.base, 'PUT', '/api/config/osd/enabled', { value: true });
  t.match(put.body, { applied: true, reload_tier: 'immediate', reboot_required: false });
  const after = await waitFor(async () => {
    const s = share(await snapshotPixels(srv.base), W, crosshairPixels(), white);
    return s > 0.9 && s;
  }, 'the crosshair in a snapshot after osd.enabled went true', { everyMs: 100 });
  t.ok(after > 0.9, `the crosshair appears without a restart (${(after * 100).toFixed(0)} % near white)`);
  t.ok(ringWhite(srv.server.context.bus.ring) < 0.1, 'the ring still holds the camera\'s picture');
  t.same(ws.protocolErrors, []);
});

t.test('the tracker box: drawn where the state says, in each frame\'s meta, and a moved box is not skipped as identical', async (t) => {
  const config = loadConfig(writeConfig({ ...CAMERA, osd: { enabled: true, preset: 'minimal' } }));
  const engine = createEngine(config);
  t.teardown(() => engine.close());
  let box: [number, number, number, number] = [100, 100, 120, 80];
  // A fresh state per frame, as the OsdSource contract asks.
  engine.osd.attach((ms): OsdState => ({ track: track([...box]), following: false, timeS: ms / 1000 }));
  await engine.start();
  const q = tierOf(config.streaming.quality, engine.policy);
  for (const b of [[100, 100, 120, 80], [400, 300, 90, 60]] as [number, number, number, number][]) {
    box = b;
    const frame = await waitFor(async () => {
      const f = await engine.jpeg.snapshot(q, 3000);
      return f && (JSON.parse(f.wsMeta) as { box: number[] | null }).box?.[0] === b[0] && f;
    }, `a frame labelled with box ${b}`, { everyMs: 50 });
    t.match(JSON.parse(frame.wsMeta), { type: 'frame', frame_id: frame.id, box: b, target_state: 'measured' }, `meta for box ${b}`);
    const rgb = await decodeJpeg(frame.jpeg);
    const s = share(rgb, W, bracketPixels(b), yellow);
    t.ok(s > 0.8, `the yellow bracket of box ${b} is in the JPEG (${(s * 100).toFixed(0)} % of its pixels)`);
  }
  t.ok(ringWhite(engine.bus.ring) < 0.1, 'the ring still holds the camera\'s picture');
});

t.test('the inline encoder (the bench\'s main-thread ablation) draws the same OSD, on its own copy', async (t) => {
  const config = loadConfig(writeConfig({ ...CAMERA, osd: { enabled: true, preset: 'professional' } }));
  const engine = createEngine(config, { encoder: () => new InlineEncoder() });
  t.teardown(() => engine.close());
  await engine.start();
  const frame = await engine.jpeg.snapshot(tierOf(config.streaming.quality, engine.policy), 5000);
  t.ok(frame, 'a snapshot');
  const s = share(await decodeJpeg(frame!.jpeg), W, crosshairPixels(), white);
  t.ok(s > 0.9, `the crosshair is in the JPEG (${(s * 100).toFixed(0)} % near white)`);
  t.ok(ringWhite(engine.bus.ring) < 0.1, 'the ring still holds the camera\'s picture');
  // No controller in a bare engine: a frame with no track, labelled so.
  t.match(JSON.parse(frame!.wsMeta), { box: null, target_state: 'inactive' });
});
