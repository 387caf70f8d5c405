// Shared by the vehicle tests: the default configuration with overrides, a
// seeded random generator for property tests, a vehicle state, timing helpers.

import { loadConfig, validateConfig } from '../../lib/config/load.js';
import { deepMerge } from '../../lib/config/merge.js';
import type { SkyfeedConfig } from '../../lib/config/types.js';
import type { VehicleState } from '../../lib/vehicle/vehicle-state.js';

export type Overrides = Record<string, unknown>;

/** The defaults merged with `overrides` and validated like a user file. */
export function testConfig(overrides: Overrides = {}): SkyfeedConfig {
  return validateConfig(deepMerge(loadConfig() as unknown as Record<string, unknown>, overrides), 'test overrides');
}

/** mulberry32: reproducible randomness for property tests (the seed is printed on failure by the caller). */
export { mulberry32 as rng } from '../../lib/util/mulberry32.js';

export function vehicleState(over: Partial<VehicleState> = {}): VehicleState {
  return { alt_m: 20, roll_deg: 0, pitch_deg: 0, yaw_deg: 0, ground_speed_m_s: 0, vel_fwd_m_s: 0, vel_right_m_s: 0, armed: true, is_offboard: false, ...over };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `pred` every 20 ms until true or `timeoutMs`; resolves with whether it became true. */
export async function until(pred: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    if (await pred()) return true;
    await sleep(20);
  }
  return pred();
}
