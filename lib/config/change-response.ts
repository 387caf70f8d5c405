// The answers of the config API's writes, in the shape clients expect, built
// from what the store saved and what the live settings applied. Values are
// shown redacted (secret keys, URL passwords).

import { isDeepStrictEqual } from 'node:util';
import type { ParamChange, RestoredBackup, SavedChange } from './config-service.js';
import { redactValue } from './redact.js';
import { reloadTier, type ReloadTier } from './schema-meta.js';

export interface ChangeResult {
  success: true;
  section: string;
  parameter: string;
  value: unknown;
  old_value: unknown;
  validation: { valid: true; errors: string[]; warnings: string[] };
  saved: boolean;
  applied: boolean;
  reload_tier: ReloadTier;
  reboot_required: boolean;
  backup_id: string | null;
  timestamp: number;
}

export function changeResponse(c: SavedChange, applied: boolean, warnings: string[] = []): ChangeResult {
  const tier = reloadTier(c.section, c.param);
  return {
    success: true, section: c.section, parameter: c.param,
    value: redactValue(c.section, c.param, c.value), old_value: redactValue(c.section, c.param, c.old),
    validation: { valid: true, errors: [], warnings },
    saved: c.saved, applied, reload_tier: tier,
    reboot_required: c.saved && !applied && !isDeepStrictEqual(c.value, c.old) ? tier === 'system_restart' || tier === 'immediate' : false,
    backup_id: c.backup?.id ?? null, timestamp: Date.now() / 1000,
  };
}

/**
 * `appliedLive`: the changed `immediate` parameters that took effect.
 * applied: some changed parameter took effect live and none failed to.
 */
export function restoreResponse(r: RestoredBackup, appliedLive: readonly ParamChange[], warnings: string[]): Record<string, unknown> {
  let reboot = false;
  let failed = false;
  for (const c of r.changed) {
    if (reloadTier(c.section, c.parameter) !== 'immediate') reboot = true;
    else if (!appliedLive.includes(c)) failed = reboot = true;
  }
  return {
    success: true, restored: r.id, backup_id: r.backup?.id ?? null,
    changed: r.changed.map((c) => ({
      ...c, previous: redactValue(c.section, c.parameter, c.previous), current: redactValue(c.section, c.parameter, c.current),
    })),
    applied: appliedLive.length > 0 && !failed, reboot_required: reboot, warnings, timestamp: Date.now() / 1000,
  };
}
