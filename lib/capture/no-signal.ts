// The generated "NO SIGNAL" picture served while the live source is down (as
// µStreamer's --blank): viewers keep their connection and see how long the
// signal has been lost instead of a frozen picture. RGB24, the ring's size,
// so it flows through the normal encode path like any frame.

import { drawText, textWidth, GLYPH_H } from '../util/bitmap-font.js';

/** Background grey; tests recognise a NO SIGNAL frame by it. */
export const NO_SIGNAL_BACKGROUND = [24, 24, 24] as const;
const TITLE = [255, 255, 255] as const;
const DETAIL = [170, 170, 170] as const;
const MAX_DETAIL_CHARS = 48;

export class NoSignalFrame {
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
  /** Background with the title drawn once; each frame copies it and adds the clock. */
  readonly #base: Buffer;
  readonly #big: number;
  readonly #small: number;

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.bytes = width * height * 3;
    this.#big = Math.max(1, Math.floor(width / 160));
    this.#small = Math.max(1, Math.floor(width / 320));
    this.#base = Buffer.alloc(this.bytes);
    for (let i = 0; i < this.bytes; i += 3) {
      this.#base[i] = NO_SIGNAL_BACKGROUND[0];
      this.#base[i + 1] = NO_SIGNAL_BACKGROUND[1];
      this.#base[i + 2] = NO_SIGNAL_BACKGROUND[2];
    }
    const title = 'NO SIGNAL';
    const y = Math.floor(height / 2) - GLYPH_H * this.#big - 4 * this.#small;
    drawText(this.#base, width, height, title, this.#center(title, this.#big), y, this.#big, TITLE);
  }

  #center(text: string, scale: number): number {
    return Math.max(0, Math.floor((this.width - textWidth(text, scale)) / 2));
  }

  /** Renders into `out` (at least `bytes` long): title, time since `lostAtMs`, and `detail`. */
  render(out: Uint8Array, lostAtMs: number, nowMs: number, detail: string): void {
    out.set(this.#base);
    const lost = `LOST ${formatElapsed(nowMs - lostAtMs)} AGO`;
    const y1 = Math.floor(this.height / 2) + 4 * this.#small;
    drawText(out, this.width, this.height, lost, this.#center(lost, this.#small * 2), y1, this.#small * 2, TITLE);
    const d = detail.slice(0, MAX_DETAIL_CHARS);
    const y2 = y1 + (GLYPH_H + 4) * this.#small * 2;
    drawText(out, this.width, this.height, d, this.#center(d, this.#small), y2, this.#small, DETAIL);
  }
}

/** H:MM:SS (or M:SS under an hour). */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
