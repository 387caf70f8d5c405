// Coordinate conventions of the API contract. Commands: all values in [0,1]
// mean normalized with a top-left origin, otherwise pixels. Telemetry:
// `center` in [-1,1] with the frame centre at 0 (y down); normalized_bbox
// uses that system for x,y and fractions of the frame for w,h.

import { SkyfeedError } from '../errors.js';

export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FrameSize {
  width: number;
  height: number;
}

const inUnit = (v: number) => v >= 0 && v <= 1;

/** The commanded box in pixels; 422 unless it has a positive size and lies inside the frame. */
export function toPixelBox(b: PixelBox, frame: FrameSize): PixelBox {
  const normalized = inUnit(b.x) && inUnit(b.y) && inUnit(b.width) && inUnit(b.height);
  const box = normalized
    ? { x: b.x * frame.width, y: b.y * frame.height, width: b.width * frame.width, height: b.height * frame.height }
    : { ...b };
  const problems: string[] = [];
  if (!(box.width > 0) || !(box.height > 0)) problems.push('width and height must be positive');
  // Half a pixel of slack absorbs rounding of normalized values at the edge.
  if (box.x < 0 || box.y < 0 || box.x + box.width > frame.width + 0.5 || box.y + box.height > frame.height + 0.5) {
    problems.push(`box must lie inside the ${frame.width}x${frame.height} frame`);
  }
  if (problems.length) {
    throw new SkyfeedError('SKYFEED_ERR_GEOMETRY_INVALID', problems.map((msg) => ({ loc: ['body'], msg, type: 'value_error', input: b })));
  }
  return box;
}

/** A click in pixels; 422 when outside the frame. */
export function toPixelPoint(x: number, y: number, frame: FrameSize): { x: number; y: number } {
  const p = inUnit(x) && inUnit(y) ? { x: x * frame.width, y: y * frame.height } : { x, y };
  if (p.x < 0 || p.y < 0 || p.x > frame.width || p.y > frame.height) {
    throw new SkyfeedError('SKYFEED_ERR_GEOMETRY_INVALID', [{ loc: ['body'], msg: `point must lie inside the ${frame.width}x${frame.height} frame`, type: 'value_error', input: { x, y } }]);
  }
  return p;
}

/** Centre of `box` in the telemetry system: [-1,1], frame centre 0, y down. */
export function centerOf(box: PixelBox, frame: FrameSize): [number, number] {
  const hw = frame.width / 2;
  const hh = frame.height / 2;
  return [(box.x + box.width / 2 - hw) / hw, (box.y + box.height / 2 - hh) / hh];
}

export function normalizedBox(box: PixelBox, frame: FrameSize): [number, number, number, number] {
  const hw = frame.width / 2;
  const hh = frame.height / 2;
  return [(box.x - hw) / hw, (box.y - hh) / hh, box.width / frame.width, box.height / frame.height];
}
