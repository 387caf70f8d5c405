// What the config API answers (lib/http/routes/config-api.ts), as the editor
// reads it.

export type ReloadTier = 'immediate' | 'follower_restart' | 'tracker_restart' | 'system_restart';

/** One entry of GET /api/config/schema `parameters[section][param]`. */
export interface ParamMeta {
  type: string;
  default: unknown;
  description: string | null;
  min: number | null;
  max: number | null;
  step: number | null;
  unit: string | null;
  options: unknown[] | null;
  reload_tier: ReloadTier;
  file_only: boolean;
  secret: boolean;
}

export type Sections<T> = Record<string, Record<string, T>>;

export interface SchemaResponse {
  parameters: Sections<ParamMeta>;
}

export interface CurrentResponse {
  config: Sections<unknown>;
  file: string | null;
}

/** PUT /api/config/{section}/{param} and POST /api/config/revert/... */
export interface ChangeResult {
  value: unknown;
  old_value: unknown;
  saved: boolean;
  applied: boolean;
  reload_tier: ReloadTier;
  reboot_required: boolean;
  backup_id: string | null;
  validation?: { warnings: string[] };
}

/** GET /api/config/audit `entries[]`. */
export interface AuditRecord {
  timestamp: number;
  action: 'update' | 'revert' | 'restore' | 'offboard';
  section: string | null;
  parameter: string | null;
  old_value: unknown;
  new_value: unknown;
  client: string;
  backup_id: string | null;
}

/** GET /api/config/history `backups[]`. */
export interface BackupEntry {
  id: string;
  filename: string;
  timestamp: number;
  size: number;
}

/** The masked value the API shows for secret keys (lib/config/redact.ts). */
export const MASK = '***';

/** How each tier reads to an operator: when a saved change takes effect. */
export const TIER_TEXT: Record<ReloadTier, string> = {
  immediate: 'live',
  follower_restart: 'follower restart',
  tracker_restart: 'tracker restart',
  system_restart: 'server restart',
};
