// Values the configuration implies rather than states: the encoded-ring
// size that `pipeline.encoded_slots: 0` stands for, and what any
// configuration needs at least (the loader refuses less).

import { encodeWorkerCount, encodedSlotsFor } from '../policy/encoded-slots.js';
import { qualityPolicy, tierCount } from '../policy/quality-tiers.js';
import type { SkyfeedConfig } from './types.js';

/** What a configuration needs, with the two factors for messages. */
export function encodedSlotsNeeded(config: SkyfeedConfig): { slots: number; tiers: number; workers: number } {
  const workers = encodeWorkerCount(config.pipeline.workers);
  const tiers = tierCount(qualityPolicy(config.streaming));
  return { slots: encodedSlotsFor(tiers, workers), tiers, workers };
}

/** The configured slot count, or what the configuration needs when it says 0 (automatic). */
export function encodedSlots(config: SkyfeedConfig): number {
  return config.pipeline.encoded_slots || encodedSlotsNeeded(config).slots;
}
