// The overlay canvas over the picture: tracker box, target crosshair and
// label, smart mode's detections, and the box being dragged. Drawn in the
// browser from the box that belongs to the shown frame, never baked into the
// video. Sized to its element × devicePixelRatio so lines stay sharp.

import type { Rect } from './geometry.js';

export interface OverlayScene {
  /** Tracked box [x, y, w, h] in frame pixels. */
  box: number[] | null;
  /** measured | predicting | lost | … */
  state: string | null;
  following: boolean;
  label: string | null;
  /** Smart mode's detections (frame pixels), the selected one labelled. */
  targets: { bbox: number[]; label: string; selected: boolean }[];
  /** The rectangle being dragged, in page pixels relative to the overlay. */
  drag: Rect | null;
}

const COLOURS: Record<string, string> = { measured: '#ffd400', predicting: '#ff9d00', lost: '#9aa3ad' };

export class Overlay {
  readonly el = document.createElement('canvas');
  readonly #ctx: CanvasRenderingContext2D;

  constructor() {
    this.el.className = 'overlay';
    this.#ctx = this.el.getContext('2d')!;
  }

  /** `pic`: the picture's rect relative to the overlay (CSS px); srcW x srcH: frame pixels. */
  draw(scene: OverlayScene, pic: Rect, srcW: number, srcH: number): void {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(this.el.clientWidth * dpr);
    const h = Math.round(this.el.clientHeight * dpr);
    if (this.el.width !== w || this.el.height !== h) {
      this.el.width = w;
      this.el.height = h;
    }
    const g = this.#ctx;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.clearRect(0, 0, w, h);
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.lineWidth = 2;
    g.font = '12px system-ui, sans-serif';
    if (srcW > 0 && srcH > 0) {
      const sx = pic.w / srcW;
      const sy = pic.h / srcH;
      const map = (b: number[]): Rect => ({ x: pic.x + b[0] * sx, y: pic.y + b[1] * sy, w: b[2] * sx, h: b[3] * sy });
      for (const t of scene.targets) {
        const r = map(t.bbox);
        g.setLineDash(t.selected ? [] : [5, 4]);
        g.strokeStyle = t.selected ? '#3ccf6e' : '#4aa3ff';
        g.strokeRect(r.x, r.y, r.w, r.h);
        if (t.selected || t.label) this.#label(r, t.label, g.strokeStyle);
      }
      g.setLineDash([]);
      if (scene.box) {
        const r = map(scene.box);
        const colour = scene.following && scene.state === 'measured' ? '#ff4d4f' : COLOURS[scene.state ?? 'measured'] ?? '#ffd400';
        g.strokeStyle = colour;
        if (scene.state === 'lost') g.setLineDash([4, 4]);
        g.strokeRect(r.x, r.y, r.w, r.h);
        g.setLineDash([]);
        this.#crosshair(r.x + r.w / 2, r.y + r.h / 2, colour);
        if (scene.label) this.#label(r, scene.label, colour);
      }
    }
    if (scene.drag) {
      g.strokeStyle = '#ffffff';
      g.setLineDash([6, 3]);
      g.strokeRect(scene.drag.x, scene.drag.y, scene.drag.w, scene.drag.h);
      g.setLineDash([]);
    }
  }

  #crosshair(x: number, y: number, colour: string): void {
    const g = this.#ctx;
    g.strokeStyle = colour;
    g.beginPath();
    g.moveTo(x - 8, y);
    g.lineTo(x + 8, y);
    g.moveTo(x, y - 8);
    g.lineTo(x, y + 8);
    g.stroke();
  }

  #label(r: Rect, text: string, colour: string | CanvasGradient | CanvasPattern): void {
    const g = this.#ctx;
    const tw = g.measureText(text).width + 6;
    const y = r.y > 16 ? r.y - 16 : r.y + r.h;
    g.fillStyle = 'rgba(0,0,0,.65)';
    g.fillRect(r.x, y, tw, 16);
    g.fillStyle = colour;
    g.fillText(text, r.x + 3, y + 12);
  }
}
