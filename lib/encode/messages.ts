// Messages between the main thread and the encode workers. Metadata only:
// pixels and JPEG bytes stay in the SharedArrayBuffer rings.

import type { RawRingLayout } from '../bus/raw-ring.js';
import type { EncodedRingLayout } from './encoded-ring.js';
import type { OsdFrame } from './osd/osd-state.js';

export interface EncodeWorkerData {
  rawSab: SharedArrayBuffer;
  encodedSab: SharedArrayBuffer;
  raw: RawRingLayout;
  encoded: EncodedRingLayout;
}

export interface EncodeTask {
  seq: number;
  slot: number;
  /** Hash of the newest frame already published; null to always encode. */
  prevHash: bigint | null;
  qualities: number[];
  /** Encoded-ring slot lent for each quality, same order. */
  outSlots: number[];
  /**
   * MJPEG passthrough: when the raw slot already holds a JPEG (PixelFormat.JPEG),
   * this quality tier gets the camera's bytes as they are (no decode, no
   * re-encode); other tiers are decoded and re-encoded. -1: never pass through.
   */
  passthroughQuality: number;
  /**
   * The OSD to draw on the worker's own copy of the frame (never the ring),
   * or null for the camera's picture as it is. Plain data, cloned per task.
   */
  osd: OsdFrame | null;
}

export const enum EncodeOutcome {
  Encoded = 0,
  /** Same picture as prevHash: nothing encoded, reuse the previous JPEGs. */
  Identical = 1,
  /** The camera overwrote the raw slot while it was read: discard. */
  Torn = 2,
}

export interface EncodeResult {
  seq: number;
  outcome: EncodeOutcome;
  hash: bigint;
  /** JPEG length per quality; -1 when it did not fit the slot. */
  lengths: number[];
  /** Encode time per quality, ms. */
  encodeMs: number[];
  hashMs: number;
}
