// How many encoded-ring slots the pipeline needs so that no quality in
// demand ever misses a frame for want of a slot.
//
// Every quality tier holds one slot for its newest frame (clients are sent
// from it), and each frame in flight holds one more slot per tier it is
// being encoded at; at most one frame per worker is in flight. Requested,
// adaptive, snapshot and passthrough qualities all snap to the tier grid, so
// the tier count bounds the qualities in demand.

import { availableParallelism } from 'node:os';
import type { SkyfeedConfig } from '../config/types.js';
import { qualityPolicy, tierCount } from '../stream/quality-tiers.js';

/** Encode threads the pipeline runs: 0 means one per core; the main-thread ablation runs one encode at a time. */
export function encodeWorkerCount(workers: number, encoder: 'pool' | 'main_thread' | undefined): number {
  if (encoder === 'main_thread') return 1;
  return workers > 0 ? workers : availableParallelism();
}

export function encodedSlotsFor(tiers: number, workers: number): number {
  return tiers * (workers + 1);
}

/** What a configuration needs, with the two factors for messages. */
export function encodedSlotsNeeded(config: SkyfeedConfig): { slots: number; tiers: number; workers: number } {
  const workers = encodeWorkerCount(config.pipeline.workers, config.pipeline.encoder);
  const tiers = tierCount(qualityPolicy(config.streaming));
  return { slots: encodedSlotsFor(tiers, workers), tiers, workers };
}

/** The configured slot count, or what the configuration needs when it says 0 (automatic). */
export function encodedSlots(config: SkyfeedConfig): number {
  return config.pipeline.encoded_slots || encodedSlotsNeeded(config).slots;
}
