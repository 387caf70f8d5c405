// Drawing primitives for the OSD on a packed RGB24 buffer: lines, brackets,
// crosshairs, dashed and filled rectangles, bitmap text. Everything clips
// to the image and writes pixels directly; no allocation per call. The
// buffer must be the encoder's copy of a frame, never the capture ring.

import { drawText, textWidth, GLYPH_H } from '../../util/bitmap-font.js';

export type Rgb = readonly [number, number, number];

export class OsdCanvas {
  readonly width: number;
  readonly height: number;
  /** The buffer drawn on (replaced per frame by use()). */
  #px: Uint8Array = new Uint8Array(0);

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
  }

  /** Points the canvas at a frame copy (width*height*3 bytes). */
  use(rgb: Uint8Array): void {
    if (rgb.length < this.width * this.height * 3) {
      throw new RangeError(`OSD buffer holds ${rgb.length} bytes, a ${this.width}x${this.height} frame needs ${this.width * this.height * 3}`);
    }
    this.#px = rgb;
  }

  pixel(x: number, y: number, c: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = (y * this.width + x) * 3;
    this.#px[o] = c[0];
    this.#px[o + 1] = c[1];
    this.#px[o + 2] = c[2];
  }

  /** Horizontal run [x0, x1] at row y, `t` rows thick (downwards). */
  hline(x0: number, x1: number, y: number, c: Rgb, t = 1): void {
    const a = Math.max(0, Math.round(Math.min(x0, x1)));
    const b = Math.min(this.width - 1, Math.round(Math.max(x0, x1)));
    for (let k = 0; k < t; k++) {
      const yy = Math.round(y) + k;
      if (yy < 0 || yy >= this.height) continue;
      let o = (yy * this.width + a) * 3;
      for (let x = a; x <= b; x++, o += 3) {
        this.#px[o] = c[0];
        this.#px[o + 1] = c[1];
        this.#px[o + 2] = c[2];
      }
    }
  }

  /** Vertical run [y0, y1] at column x, `t` columns thick (rightwards). */
  vline(x: number, y0: number, y1: number, c: Rgb, t = 1): void {
    const a = Math.max(0, Math.round(Math.min(y0, y1)));
    const b = Math.min(this.height - 1, Math.round(Math.max(y0, y1)));
    for (let k = 0; k < t; k++) {
      const xx = Math.round(x) + k;
      if (xx < 0 || xx >= this.width) continue;
      for (let y = a; y <= b; y++) {
        const o = (y * this.width + xx) * 3;
        this.#px[o] = c[0];
        this.#px[o + 1] = c[1];
        this.#px[o + 2] = c[2];
      }
    }
  }

  /** Any line (Bresenham), 1 px. */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb): void {
    let x = Math.round(x0);
    let y = Math.round(y0);
    const xe = Math.round(x1);
    const ye = Math.round(y1);
    const dx = Math.abs(xe - x);
    const dy = -Math.abs(ye - y);
    const sx = x < xe ? 1 : -1;
    const sy = y < ye ? 1 : -1;
    let err = dx + dy;
    // Bounded: a line never needs more steps than its longer side (clipped or not).
    for (let n = 0; n <= dx - dy; n++) {
      this.pixel(x, y, c);
      if (x === xe && y === ye) break;
      const e2 = 2 * err;
      if (e2 >= dy) { err += dy; x += sx; }
      if (e2 <= dx) { err += dx; y += sy; }
    }
  }

  /** Rectangle outline, `t` px thick, inside the box. */
  rect(x: number, y: number, w: number, h: number, c: Rgb, t = 1): void {
    this.hline(x, x + w - 1, y, c, t);
    this.hline(x, x + w - 1, y + h - t, c, t);
    this.vline(x, y, y + h - 1, c, t);
    this.vline(x + w - t, y, y + h - 1, c, t);
  }

  /** Dashed outline: `dash` px on, `dash` px off. */
  dashedRect(x: number, y: number, w: number, h: number, c: Rgb, dash = 4): void {
    for (let i = 0; i < w; i += 2 * dash) {
      const e = Math.min(w - 1, i + dash - 1);
      this.hline(x + i, x + e, y, c);
      this.hline(x + i, x + e, y + h - 1, c);
    }
    for (let j = 0; j < h; j += 2 * dash) {
      const e = Math.min(h - 1, j + dash - 1);
      this.vline(x, y + j, y + e, c);
      this.vline(x + w - 1, y + j, y + e, c);
    }
  }

  /** Corner brackets: each corner an L of `len` px, `t` px thick. */
  brackets(x: number, y: number, w: number, h: number, len: number, c: Rgb, t = 2): void {
    const x1 = x + w - 1;
    const y1 = y + h - 1;
    this.hline(x, x + len - 1, y, c, t);
    this.vline(x, y, y + len - 1, c, t);
    this.hline(x1 - len + 1, x1, y, c, t);
    this.vline(x1 - t + 1, y, y + len - 1, c, t);
    this.hline(x, x + len - 1, y1 - t + 1, c, t);
    this.vline(x, y1 - len + 1, y1, c, t);
    this.hline(x1 - len + 1, x1, y1 - t + 1, c, t);
    this.vline(x1 - t + 1, y1 - len + 1, y1, c, t);
  }

  /** Crosshair at (cx, cy): arms of `arm` px leaving a `gap` px hole in the middle. */
  crosshair(cx: number, cy: number, arm: number, gap: number, c: Rgb, t = 1): void {
    const x = Math.round(cx);
    const y = Math.round(cy);
    const o = Math.floor(t / 2);
    this.hline(x - gap - arm, x - gap - 1, y - o, c, t);
    this.hline(x + gap + 1, x + gap + arm, y - o, c, t);
    this.vline(x - o, y - gap - arm, y - gap - 1, c, t);
    this.vline(x - o, y + gap + 1, y + gap + arm, c, t);
  }

  fill(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let j = 0; j < h; j++) this.hline(x, x + w - 1, y + j, c);
  }

  /** Text at (x, y) (top-left), on a dark plate when `plate` is given. Returns the text width. */
  text(s: string, x: number, y: number, scale: number, c: Rgb, plate?: Rgb): number {
    const w = textWidth(s, scale);
    if (plate) this.fill(x - scale, y - scale, w + 2 * scale, GLYPH_H * scale + 2 * scale, plate);
    drawText(this.#px, this.width, this.height, s, x, y, scale, c);
    return w;
  }
}
