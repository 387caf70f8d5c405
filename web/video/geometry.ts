// Where the picture really is inside its element (object-fit: contain
// letterboxes it), and page points ↔ normalized frame coordinates through
// that rectangle, so a box means the same whatever the display size.

export interface Rect { x: number; y: number; w: number; h: number }

/** The picture's rectangle inside `box` (an element's rect) for a srcW x srcH picture, centred and letterboxed. */
export function containRect(box: Rect, srcW: number, srcH: number): Rect {
  if (srcW <= 0 || srcH <= 0 || box.w <= 0 || box.h <= 0) return { ...box };
  const s = Math.min(box.w / srcW, box.h / srcH);
  const w = srcW * s;
  const h = srcH * s;
  return { x: box.x + (box.w - w) / 2, y: box.y + (box.h - h) / 2, w, h };
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** A page point as a fraction of the picture, clamped to [0, 1]. */
export function toNormalized(px: number, py: number, pic: Rect): { x: number; y: number } {
  return { x: clamp01((px - pic.x) / pic.w), y: clamp01((py - pic.y) / pic.h) };
}
