// The OSD drawn on the encoder's copy of a frame (control-spec.md "OSD"):
// the tracker's box as corner brackets with a crosshair on the target (red
// while following, yellow when tracking without following, orange for an
// estimate only), a centre crosshair, tracker and follower status (green
// active, yellow not) and the capture time; smart mode's other detections
// dashed with "CLASS ID | conf%" on the selected one. Presets: minimal (box
// and crosshairs), professional (+ status, time, detections), debug (+ the
// Kalman estimate, velocity, scores, frame id). Strings are rebuilt only
// when what they show changes (the time once a second), except in debug.

import { OsdCanvas, Rgb } from './osd-canvas.js';
import { GLYPH_H } from '../../util/bitmap-font.js';
import { OSD_PRESETS, type OsdDetection, type OsdPreset, type OsdState, type OsdTrack, type OsdVehicle } from './osd-state.js';

export { OSD_PRESETS };
export type { OsdDetection, OsdPreset, OsdState, OsdTrack };

export const OSD_COLORS = {
  following: [255, 40, 40] as Rgb,
  tracking: [255, 220, 0] as Rgb,
  estimate: [255, 140, 0] as Rgb,
  active: [40, 220, 60] as Rgb,
  inactive: [255, 220, 0] as Rgb,
  white: [255, 255, 255] as Rgb,
  plate: [16, 16, 16] as Rgb,
  detection: [0, 200, 255] as Rgb,
};

/** Brackets sit this many pixels outside the box. */
const BRACKET_OFFSET = 3;

export class OsdRenderer {
  readonly width: number;
  readonly height: number;
  #preset: OsdPreset;
  readonly #c: OsdCanvas;
  /** Text scale and margins, from the frame height. */
  readonly #s: number;
  readonly #m: number;
  // Cached strings and the values they show.
  #timeKey = -1;
  #timeText = '';
  #trkKey = '';
  #trkText = '';
  #folKey = '';
  #folText = '';
  #vehKey = '';
  #vehText = '';

  constructor(width: number, height: number, preset: OsdPreset = 'professional') {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 16 || height < 16) {
      throw new RangeError(`OSD size must be integers ≥ 16, got ${width}x${height}`);
    }
    this.width = width;
    this.height = height;
    this.#c = new OsdCanvas(width, height);
    this.#s = Math.max(1, Math.round(height / 240));
    this.#m = 4 * this.#s;
    this.#preset = checkPreset(preset);
  }

  get preset(): OsdPreset {
    return this.#preset;
  }

  set preset(p: OsdPreset) {
    this.#preset = checkPreset(p);
  }

  /** Draws the OSD into `rgb` (a copy of the frame, width*height*3 bytes). */
  draw(rgb: Uint8Array, st: OsdState): void {
    const c = this.#c;
    c.use(rgb);
    const arm = Math.max(6, Math.round(this.height / 24));
    c.crosshair(this.width / 2, this.height / 2, arm, Math.max(2, arm >> 2), OSD_COLORS.white, 2);
    const pro = this.#preset !== 'minimal';
    if (pro && st.detections) this.#detections(st.detections);
    if (st.track) this.#track(st.track, st.following);
    if (pro) this.#status(st);
    if (this.#preset === 'debug' && st.track) this.#debug(st.track, st.fps);
  }

  #track(t: OsdTrack, following: boolean): void {
    if (t.target_state === 'inactive' || !t.bbox) return;
    const c = this.#c;
    const measured = t.target_state === 'measured';
    const col = !measured ? OSD_COLORS.estimate : following ? OSD_COLORS.following : OSD_COLORS.tracking;
    const [x, y, w, h] = t.bbox;
    const bx = Math.round(x);
    const by = Math.round(y);
    const bw = Math.max(2, Math.round(w));
    const bh = Math.max(2, Math.round(h));
    const len = Math.max(4, Math.round(Math.min(bw, bh) / 4));
    // Just outside the box, on the ground: a red bracket on a red car's edge would vanish.
    const o = BRACKET_OFFSET;
    c.brackets(bx - o, by - o, bw + 2 * o, bh + 2 * o, len, col, 2);
    const arm = Math.max(3, Math.round(Math.min(bw, bh) / 6));
    c.crosshair(x + w / 2, y + h / 2, arm, Math.max(1, arm >> 1), col, 1);
  }

  #detections(list: readonly OsdDetection[]): void {
    const c = this.#c;
    for (const d of list) {
      const [x, y, w, h] = d.bbox;
      c.dashedRect(Math.round(x), Math.round(y), Math.max(2, Math.round(w)), Math.max(2, Math.round(h)), OSD_COLORS.detection, 4);
      if (d.is_selected) {
        // Once per click-selected target, not per frame for all: one short string.
        const label = `${d.class_name} ${d.target_id ?? ''} | ${Math.round(d.score * 100)}%`;
        c.text(label, Math.round(x), Math.max(this.#s, Math.round(y) - (GLYPH_H + 2) * this.#s), this.#s, OSD_COLORS.detection, OSD_COLORS.plate);
      }
    }
  }

  #status(st: OsdState): void {
    const c = this.#c;
    const s = this.#s;
    const m = this.#m;
    const t = st.track;
    const state = t ? t.target_state : 'inactive';
    const name = t ? t.tracker_id : '';
    const trkKey = name + state;
    if (trkKey !== this.#trkKey) {
      this.#trkKey = trkKey;
      this.#trkText = state === 'inactive' ? 'TRK OFF' : `TRK ${name} ${state === 'measured' ? 'LOCK' : 'EST'}`;
    }
    const prof = st.followerProfile ?? '';
    const folKey = prof + (st.following ? '1' : '0');
    if (folKey !== this.#folKey) {
      this.#folKey = folKey;
      this.#folText = st.following ? `FOL ${prof} ON` : `FOL ${prof ? prof + ' ' : ''}OFF`;
    }
    const line = (GLYPH_H + 3) * s;
    c.text(this.#trkText, m + s, m + s, s, state === 'measured' ? OSD_COLORS.active : OSD_COLORS.inactive, OSD_COLORS.plate);
    c.text(this.#folText, m + s, m + s + line, s, st.following ? OSD_COLORS.active : OSD_COLORS.inactive, OSD_COLORS.plate);
    const sec = Math.floor(st.timeS);
    if (sec !== this.#timeKey) {
      this.#timeKey = sec;
      this.#timeText = Number.isFinite(sec) ? new Date(sec * 1000).toISOString().slice(0, 19).replace('T', ' ') : '';
    }
    const tw = this.#timeText.length * 6 * s;
    c.text(this.#timeText, this.width - m - s - tw, this.height - m - s - GLYPH_H * s, s, OSD_COLORS.white, OSD_COLORS.plate);
    if (st.vehicle) this.#vehicle(st.vehicle);
  }

  /** Top right: link, mode, armed, altitude (whole metres, so the text changes rarely). */
  #vehicle(v: OsdVehicle): void {
    const s = this.#s;
    const m = this.#m;
    const alt = v.alt_m === null ? null : Math.round(v.alt_m);
    const key = `${v.connected ? 1 : 0}${v.mode}${v.armed ? 1 : 0}${alt}`;
    if (key !== this.#vehKey) {
      this.#vehKey = key;
      this.#vehText = v.connected ? `${v.mode.toUpperCase()} ${v.armed ? 'ARMED' : 'DISARMED'} ALT ${alt === null ? '?' : alt} M` : 'LINK LOST';
    }
    const tw = this.#vehText.length * 6 * s;
    const col = !v.connected ? OSD_COLORS.estimate : v.mode.toUpperCase() === 'OFFBOARD' ? OSD_COLORS.active : OSD_COLORS.white;
    this.#c.text(this.#vehText, this.width - m - s - tw, m + s, s, col, OSD_COLORS.plate);
  }

  /** Debug: the Kalman estimate box, velocity (where the target will be in 0.25 s), scores and ids. Builds strings each frame. */
  #debug(t: OsdTrack, fps?: number): void {
    const c = this.#c;
    const s = this.#s;
    if (t.predicted_bbox) {
      const [x, y, w, h] = t.predicted_bbox;
      c.rect(Math.round(x), Math.round(y), Math.max(2, Math.round(w)), Math.max(2, Math.round(h)), OSD_COLORS.estimate, 1);
      if (t.velocity) c.line(x + w / 2, y + h / 2, x + w / 2 + t.velocity.vx * 0.25, y + h / 2 + t.velocity.vy * 0.25, OSD_COLORS.estimate);
    }
    const lines = [
      `CONF ${t.confidence.toFixed(2)} APP ${t.appearance_score.toFixed(2)} MOT ${t.motion_score.toFixed(2)}`,
      `FRAME ${t.frame_id} LOST ${t.frames_lost}${t.loss_reason ? ' ' + t.loss_reason : ''}`,
      `${t.usable_for_following ? 'USABLE' : 'NOT USABLE'}${fps !== undefined ? ` ${fps.toFixed(1)} FPS` : ''}`,
    ];
    const line = (GLYPH_H + 3) * s;
    let y = this.height - this.#m - s - lines.length * line;
    for (const l of lines) {
      c.text(l, this.#m + s, y, s, OSD_COLORS.white, OSD_COLORS.plate);
      y += line;
    }
  }
}

function checkPreset(p: string): OsdPreset {
  if (!(OSD_PRESETS as readonly string[]).includes(p)) throw new RangeError(`unknown OSD preset "${p}"; valid: ${OSD_PRESETS.join(', ')}`);
  return p as OsdPreset;
}
