// What the config API shows of a value. Secret keys (schema flag `secret`,
// e.g. a MAVLink signing passphrase) are never shown, and a password inside
// a URL (rtsp://user:password@camera/...) is masked wherever it appears, so
// /api/config/current, the diff and the audit log can be read by tools and
// screenshots without leaking credentials.

import { isSecret } from './schema-meta.js';

export const MASK = '***';
const URL_PASSWORD_RE = /^([a-z][a-z0-9+.-]*:\/\/[^/@:\s]*:)([^/@\s]*)@/i;

export function redactValue(section: string, param: string, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (isSecret(section, param)) return MASK;
  if (typeof value === 'string') return value.replace(URL_PASSWORD_RE, `$1${MASK}@`);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v.replace(URL_PASSWORD_RE, `$1${MASK}@`) : v));
  return value;
}

/** A copy of `cfg` (sections of parameters) with every value redacted. */
export function redactConfig<T extends object>(cfg: T): T {
  const out: Record<string, unknown> = {};
  for (const [section, params] of Object.entries(cfg)) {
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      out[section] = params;
      continue;
    }
    const s: Record<string, unknown> = {};
    for (const [param, value] of Object.entries(params)) s[param] = redactValue(section, param, value);
    out[section] = s;
  }
  return out as T;
}
