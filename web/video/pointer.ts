// Direct manipulation on the picture: a drag draws a box, a short press is a
// click. Both are reported normalized to the picture (through its letterboxed
// rect), so the same gesture means the same box at any display size.

import { toNormalized, type Rect } from './geometry.js';

export interface PointerHooks {
  /** The picture's rect in client (viewport) coordinates. */
  picture(): Rect;
  /** The rectangle being dragged relative to the target element (null: none). */
  onDrag(r: Rect | null): void;
  onBox(b: { x: number; y: number; width: number; height: number }): void;
  onClick(p: { x: number; y: number }): void;
}

/** Below this many CSS px of movement a press is a click, not a box. */
const CLICK_SLOP_PX = 6;

export function attachPointer(target: HTMLElement, hooks: PointerHooks): void {
  let start: { x: number; y: number; id: number } | null = null;
  let last = { x: 0, y: 0 };
  const rel = (x: number, y: number) => {
    const r = target.getBoundingClientRect();
    return { x: x - r.left, y: y - r.top };
  };
  target.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    start = { x: e.clientX, y: e.clientY, id: e.pointerId };
    last = { x: e.clientX, y: e.clientY };
    target.setPointerCapture(e.pointerId);
    e.preventDefault();
  });
  target.addEventListener('pointermove', (e) => {
    if (!start || e.pointerId !== start.id) return;
    last = { x: e.clientX, y: e.clientY };
    const a = rel(start.x, start.y);
    const b = rel(last.x, last.y);
    hooks.onDrag({ x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y) });
  });
  const end = (e: PointerEvent, cancelled: boolean) => {
    if (!start || e.pointerId !== start.id) return;
    const s = start;
    start = null;
    hooks.onDrag(null);
    if (cancelled) return;
    last = { x: e.clientX, y: e.clientY };
    const pic = hooks.picture();
    if (Math.hypot(last.x - s.x, last.y - s.y) < CLICK_SLOP_PX) {
      hooks.onClick(toNormalized(last.x, last.y, pic));
      return;
    }
    const a = toNormalized(s.x, s.y, pic);
    const b = toNormalized(last.x, last.y, pic);
    const box = { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), width: Math.abs(a.x - b.x), height: Math.abs(a.y - b.y) };
    if (box.width > 0 && box.height > 0) hooks.onBox(box);
  };
  target.addEventListener('pointerup', (e) => end(e, false));
  target.addEventListener('pointercancel', (e) => end(e, true));
}
