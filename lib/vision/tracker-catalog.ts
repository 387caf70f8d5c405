// The tracker names the API offers (the original's: CSRT, KCF, dlib,
// Gimbal) and which algorithm runs under each. Operators and scripts keep
// the names they know; the description says what actually runs.

import type { Tracker } from './types.js';
import { HybridTracker } from './hybrid-tracker.js';
import { KcfTracker } from './kcf-tracker.js';
import { MosseTracker } from './mosse-tracker.js';

export interface TrackerCatalogEntry {
  name: string;
  description: string;
  /** Runs here; false for names kept for compatibility only. */
  implemented: boolean;
  /** Driven by external input rather than the image. */
  external: boolean;
  /** Telemetry data types its output can carry. */
  data_types: string[];
  default: boolean;
}

const IMAGE_TYPES = ['POSITION_2D', 'BBOX_CONFIDENCE', 'VELOCITY_AWARE'];

const ENTRIES: readonly TrackerCatalogEntry[] = [
  {
    name: 'CSRT',
    description: 'Default. Not OpenCV CSRT: a hybrid of a grey KCF with a colour model that re-centres and re-sizes the box, '
      + 'learning only while the box looks like the target, whole-frame colour search after 5 low-confidence frames. '
      + 'Scored ahead of OpenCV CSRT on the synthetic aerial scenes (bench/tracking).',
    implemented: true, external: false, data_types: IMAGE_TYPES, default: true,
  },
  {
    name: 'KCF',
    description: 'Kernelized correlation filter on grey pixels (Gaussian kernel, 3-scale search) with the Kalman estimator: fast, '
      + 'drifts on textured ground and does not recover after an occlusion without re-detection.',
    implemented: true, external: false, data_types: IMAGE_TYPES, default: false,
  },
  {
    name: 'dlib',
    description: 'dlib-style correlation tracker: MOSSE translation filter with the DSST scale filter, with the Kalman estimator.',
    implemented: true, external: false, data_types: IMAGE_TYPES, default: false,
  },
  {
    name: 'Gimbal',
    description: 'Angles reported by an external gimbal: not implemented here (needs the gimbal link).',
    implemented: false, external: true, data_types: ['GIMBAL_ANGLES'], default: false,
  },
];

/** The offered trackers (a fresh copy: callers may serialise or annotate it). */
export function trackerCatalog(): TrackerCatalogEntry[] {
  return ENTRIES.map((e) => ({ ...e, data_types: [...e.data_types] }));
}

export const DEFAULT_TRACKER = 'CSRT';

/** Catalog entry by name, case-insensitive; undefined when unknown. */
export function findTracker(name: string): TrackerCatalogEntry | undefined {
  const n = String(name).toLowerCase();
  return ENTRIES.find((e) => e.name.toLowerCase() === n);
}

/**
 * A new tracker for a catalog name. Throws a RangeError naming the valid
 * names for an unknown one, and for one that is listed but not implemented.
 */
export function createTracker(name: string): Tracker {
  const e = findTracker(name);
  if (!e) throw new RangeError(`unknown tracker "${name}"; valid: ${ENTRIES.map((x) => x.name).join(', ')}`);
  switch (e.name) {
    case 'CSRT': return new HybridTracker(e.name);
    case 'KCF': return new KcfTracker(e.name);
    case 'dlib': return new MosseTracker(e.name);
    default: throw new RangeError(`tracker "${e.name}" is not implemented here: ${e.description}`);
  }
}
