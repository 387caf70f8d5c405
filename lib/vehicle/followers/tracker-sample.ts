// The part of a tracker output (control-spec.md "Tracker output") that a
// follower reads, and its validation: a corrupted output (NaN, absurd
// coordinates, confidence outside 0…1) is refused with a reason, never
// followed.

export interface TrackerSample {
  /** Normalized target centre: (0,0) = frame centre, −1…1, y down. */
  position_2d: readonly [number, number] | null;
  /** 0…1, or null when the tracker has no confidence measure. */
  confidence?: number | null;
  /** True only while measured with zero consecutive failures. */
  usable_for_following: boolean;
  /** Seconds since the epoch. */
  timestamp: number;
  tracking_active?: boolean;
}

/** Beyond this a centre is garbage, not a target just outside the frame. */
export const MAX_ABS_COORD = 10;
/** Beyond this (normalized) the target is far outside the frame: lost (the original's chase rule, for every profile). */
export const OUT_OF_FRAME = 1.5;

/** Where readSample() writes a valid sample. */
export interface SampleValues {
  x: number;
  y: number;
  /** 1 when the tracker gave none. */
  confidence: number;
}

/**
 * Checks a sample and writes its values to `out`. Returns null when it can be
 * followed, else why not: `invalid: …` for corrupted input, or a loss reason.
 */
export function readSample(s: TrackerSample, out: SampleValues): string | null {
  if (typeof s !== 'object' || s === null) return 'invalid: not an object';
  if (!Number.isFinite(s.timestamp)) return 'invalid: timestamp is not a finite number';
  if (typeof s.usable_for_following !== 'boolean') return 'invalid: usable_for_following is not a boolean';
  const p = s.position_2d;
  if (s.tracking_active === false) return 'tracking inactive';
  if (!s.usable_for_following) return 'tracker output not usable for following';
  if (!Array.isArray(p) || p.length !== 2) return 'invalid: position_2d missing';
  const [x, y] = p;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return 'invalid: position_2d is not finite';
  if (Math.abs(x) > MAX_ABS_COORD || Math.abs(y) > MAX_ABS_COORD) return `invalid: position_2d (${x}, ${y}) is not a normalized coordinate`;
  const c = s.confidence;
  if (c !== undefined && c !== null && !(c >= 0 && c <= 1)) return `invalid: confidence ${c} is outside 0..1`;
  if (Math.abs(x) > OUT_OF_FRAME || Math.abs(y) > OUT_OF_FRAME) return 'target out of frame';
  out.x = x;
  out.y = y;
  out.confidence = c ?? 1;
  return null;
}
