// OSD pixels at known positions: bracket colours by state, the crosshairs,
// status text, dashed detections, presets, and pixels it must not touch.

import t from 'tap';
import { OsdRenderer, OSD_COLORS, OsdTrack } from '../../../lib/encode/osd/osd-renderer.js';
import { emptyOutput, type TrackerOutput } from '../../../lib/vision/tracker-output.js';

const W = 320;
const H = 240;
const BG = 77;

const frame = () => new Uint8Array(W * H * 3).fill(BG);
const px = (f: Uint8Array, x: number, y: number) => [f[(y * W + x) * 3], f[(y * W + x) * 3 + 1], f[(y * W + x) * 3 + 2]];
const track = (state: OsdTrack['target_state'], bbox: [number, number, number, number] = [100, 60, 60, 40]): OsdTrack => ({
  bbox, predicted_bbox: [110, 70, 60, 40], target_state: state, tracker_id: 'CSRT', velocity: { vx: 40, vy: 0, magnitude: 40 },
  confidence: 0.9, appearance_score: 0.95, motion_score: 0.99, loss_reason: null, frames_lost: 0, frame_id: 42, usable_for_following: true,
});

t.test('box brackets: red while following, yellow when not, orange for an estimate; crosshair on the target', async (t) => {
  const osd = new OsdRenderer(W, H, 'minimal');
  const cases: [OsdTrack['target_state'], boolean, readonly number[]][] = [
    ['measured', true, OSD_COLORS.following], ['measured', false, OSD_COLORS.tracking], ['prediction_only', true, OSD_COLORS.estimate],
  ];
  for (const [state, following, colour] of cases) {
    const f = frame();
    osd.draw(f, { track: track(state), following, timeS: 0 });
    // Bracket corners sit 3 px outside the box [100,60 60x40].
    t.same(px(f, 97, 57), [...colour], `${state}/${following}: top-left corner`);
    t.same(px(f, 162, 102), [...colour], 'bottom-right corner');
    t.same(px(f, 130, 57), [BG, BG, BG], 'the middle of the top edge is left alone (brackets, not a rectangle)');
    // Target crosshair at the box centre (130, 80): arm 6 px with a 3 px gap.
    t.same(px(f, 130 + 5, 80), [...colour], 'target crosshair arm');
    t.same(px(f, 130, 80), [BG, BG, BG], 'crosshair gap at the very centre');
  }
  const none = frame();
  osd.draw(none, { track: track('inactive'), following: false, timeS: 0 });
  t.same(px(none, 97, 57), [BG, BG, BG], 'inactive: no box');
});

t.test('centre crosshair is white; minimal draws nothing else', async (t) => {
  const f = frame();
  new OsdRenderer(W, H, 'minimal').draw(f, { track: null, following: false, timeS: 1764300000 });
  t.same(px(f, W / 2 + 6, H / 2), [255, 255, 255], 'centre crosshair arm');
  t.same(px(f, W / 2, H / 2), [BG, BG, BG], 'its gap');
  let touched = 0;
  for (let i = 0; i < f.length; i += 3) if (f[i] !== BG) touched++;
  t.ok(touched > 0 && touched < 120, `${touched} pixels drawn (the crosshair only)`);
});

t.test('professional adds status text (green when active, yellow when not), time and dashed detections', async (t) => {
  const f = frame();
  const osd = new OsdRenderer(W, H, 'professional');
  osd.draw(f, {
    track: track('measured'), following: false, followerProfile: 'mc_velocity_chase', timeS: Date.UTC(2026, 10, 28, 12, 34, 56) / 1000,
    detections: [{ bbox: [20, 150, 40, 30], class_name: 'car', score: 0.87, target_id: 3, is_selected: true }],
  });
  const count = (x0: number, y0: number, x1: number, y1: number, c: readonly number[]) => {
    let n = 0;
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (px(f, x, y).join() === c.join()) n++;
    return n;
  };
  t.ok(count(0, 0, 120, 12, OSD_COLORS.active) > 20, 'tracker line in green (measured)');
  t.ok(count(0, 12, 160, 24, OSD_COLORS.inactive) > 20, 'follower line in yellow (not following)');
  t.ok(count(W - 130, H - 14, W, H, [255, 255, 255]) > 40, 'time at bottom right');
  t.ok(count(0, 0, 120, 12, OSD_COLORS.plate) > 100, 'text on a dark plate');
  // Dashed outline: on, off, on along the top edge of the detection.
  t.same(px(f, 20, 150), [...OSD_COLORS.detection]);
  t.same(px(f, 25, 150), [BG, BG, BG], 'a gap in the dashes');
  t.same(px(f, 28, 150), [...OSD_COLORS.detection]);
  t.ok(count(20, 138, 120, 149, OSD_COLORS.detection) > 20, '"CAR 3 | 87%" above the selected detection');
});

t.test('debug adds the estimate box and scores; the time string is rebuilt once a second', async (t) => {
  const f = frame();
  const osd = new OsdRenderer(W, H, 'debug');
  osd.draw(f, { track: track('measured'), following: true, timeS: 10, fps: 30 });
  t.same(px(f, 140, 70), [...OSD_COLORS.estimate], 'estimate box corner (110+... top edge)');
  let white = 0;
  for (let y = H - 40; y < H; y++) for (let x = 0; x < 150; x++) if (px(f, x, y).join() === '255,255,255') white++;
  t.ok(white > 100, 'debug lines at the bottom left');
  t.throws(() => new OsdRenderer(W, H, 'fancy' as 'debug'), /unknown OSD preset/);
  t.throws(() => { osd.preset = 'x' as 'debug'; }, /unknown OSD preset/);
  t.throws(() => osd.draw(new Uint8Array(10), { track: null, following: false, timeS: 0 }), /OSD buffer/);
  osd.preset = 'minimal';
  t.equal(osd.preset, 'minimal');
});

t.test('the tracker\'s own output is an OsdTrack (structurally: the OSD floor does not import vision)', async (t) => {
  // Compiles only while TrackerOutput has every field OsdTrack reads, with compatible types.
  const fits = (o: TrackerOutput): OsdTrack => o;
  const out = emptyOutput('CSRT');
  Object.assign(out, { bbox: [100, 60, 60, 40], target_state: 'measured' });
  const f = frame();
  new OsdRenderer(W, H, 'minimal').draw(f, { track: fits(out), following: false, timeS: 0 });
  t.same(px(f, 97, 57), [...OSD_COLORS.tracking], 'a TrackerOutput draws its box');
});

t.test('vehicle line (professional): drawn top right only with a vehicle; colour by link and mode; minimal leaves it out', async (t) => {
  const region = (f: Uint8Array, colour: readonly number[]) => {
    let n = 0;
    for (let y = 0; y < 24; y++) for (let x = W / 2; x < W; x++) if (px(f, x, y).every((v, i) => v === colour[i])) n++;
    return n;
  };
  const draw = (preset: 'minimal' | 'professional', vehicle?: { connected: boolean; mode: string; armed: boolean; alt_m: number | null }) => {
    const f = frame();
    new OsdRenderer(W, H, preset).draw(f, { track: null, following: false, timeS: 0, vehicle });
    return f;
  };
  const white = OSD_COLORS.white;
  t.equal(region(draw('professional'), white), 0, 'no vehicle: nothing top right');
  t.ok(region(draw('professional', { connected: true, mode: 'Hold', armed: true, alt_m: 20 }), white) > 20, 'link up, Hold: white text');
  t.ok(region(draw('professional', { connected: true, mode: 'Offboard', armed: true, alt_m: 20 }), OSD_COLORS.active) > 20, 'OFFBOARD: the active colour');
  t.ok(region(draw('professional', { connected: false, mode: 'Hold', armed: true, alt_m: 20 }), OSD_COLORS.estimate) > 20, 'link lost: the warning colour');
  t.equal(region(draw('minimal', { connected: true, mode: 'Hold', armed: true, alt_m: 20 }), white), 0, 'minimal: no vehicle line');
  const a = draw('professional', { connected: true, mode: 'Hold', armed: true, alt_m: 20 });
  const b = draw('professional', { connected: true, mode: 'Hold', armed: true, alt_m: 35 });
  t.notSame(a, b, 'the altitude is part of the text');
});
