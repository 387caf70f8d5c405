// How many encoded-ring slots the encoder needs so that no quality in
// demand ever misses a frame for want of a slot.
//
// Every quality tier holds one slot for its newest frame (clients are sent
// from it), and each frame in flight holds one more slot per tier it is
// being encoded at; at most one frame per encode thread is in flight.
// Requested, adaptive, snapshot and passthrough qualities all snap to the
// tier grid, so the tier count bounds the qualities in demand.

import { availableParallelism } from 'node:os';

/** Encode threads to run: 0 means one per core. */
export function encodeWorkerCount(workers: number): number {
  return workers > 0 ? workers : availableParallelism();
}

export function encodedSlotsFor(tiers: number, workers: number): number {
  return tiers * (workers + 1);
}
