// /api/config/*: read, validate, save (with backups and audit), restore,
// diff and revert. The work lives in lib/config/config-service.ts. Reading
// the schema and defaults is harmless (viewer); the saved configuration
// names devices and stream URLs (operator); writes and their history are
// admin's. Changes record who made them: address and token name.

import type { RouteGroup } from '../context.js';
import { endpoint } from '../endpoint.js';
import type { Principal } from '../auth/access-guard.js';
import { ConfigService } from '../../config/config-service.js';
import { configSchema, paramMeta, sectionNames, type ParamMeta } from '../../config/schema-meta.js';

const tag = 'config';
const now = () => Date.now() / 1000;
const writeErrors = { 403: 'File-only key, or role too low', 409: 'No writable user config file', 429: 'Too many requests' };

/** The audit log's `client`: the address, and the token's name when there is one. */
const clientOf = (remote: string, who: Principal) => (who.name ? `${remote} (${who.name})` : remote);

export const configApiRoutes: RouteGroup = (router, ctx) => {
  const settings = ctx.settings;
  const svc = settings.store;
  const requireParam = ([section, param]: string[]) => ConfigService.requireParam(section, param);

  // Built once: the schema file does not change while running.
  const parameters: Record<string, Record<string, ParamMeta>> = {};
  const defaults = svc.defaults();
  for (const section of sectionNames()) {
    const props = (configSchema().properties?.[section]?.properties ?? {}) as Record<string, unknown>;
    parameters[section] = {};
    for (const param of Object.keys(props)) parameters[section][param] = paramMeta(section, param, defaults);
  }

  endpoint(router, ctx, {
    access: 'operator', method: 'get', path: '/api/config/current', tag, summary: 'The saved configuration (defaults + user file)',
    handle: () => ({ success: true, config: svc.current(), file: svc.file ?? null, timestamp: now() }),
  });
  endpoint(router, ctx, {
    access: 'operator', method: 'get', path: '/api/config/current/:section', tag, errors: { 404: 'Unknown section' },
    summary: 'One section of the saved configuration',
    handle: ({ params }) => ({ success: true, section: params[0], config: svc.section(params[0]), timestamp: now() }),
  });
  endpoint(router, ctx, {
    access: 'viewer', method: 'get', path: '/api/config/default', tag, summary: 'The defaults (config/default.yaml)',
    handle: () => ({ success: true, config: defaults, timestamp: now() }),
  });
  endpoint(router, ctx, {
    access: 'viewer', method: 'get', path: '/api/config/schema', tag,
    summary: 'JSON Schema plus per-parameter type, default, description, unit, min/max, step, options, reload tier',
    handle: () => ({ success: true, schema: configSchema(), parameters, timestamp: now() }),
  });
  endpoint<{ value: unknown }>(router, ctx, {
    access: 'admin', method: 'put', path: '/api/config/:section/:param', tag, body: 'ConfigValue', limit: 'config', checkParams: requireParam,
    errors: { ...writeErrors, 400: 'Malformed JSON', 404: 'Unknown section or parameter', 413: 'Body too large', 415: 'Not JSON', 422: 'Wrong type or out of range (each violation listed)' },
    summary: 'Validate, back up, save atomically and (immediate tier) apply one parameter',
    handle: ({ params, body, remote, who }) => settings.update(params[0], params[1], body.value, clientOf(remote, who)),
  });
  endpoint(router, ctx, {
    access: 'admin', method: 'get', path: '/api/config/history', tag, summary: 'Backups, newest first (the newest 20 are kept)',
    handle: async () => {
      const backups = await svc.history();
      return { success: true, backups, count: backups.length, timestamp: now() };
    },
  });
  endpoint(router, ctx, {
    access: 'admin', method: 'post', path: '/api/config/restore/:backup_id', tag, limit: 'config',
    errors: { ...writeErrors, 400: 'Invalid backup id', 404: 'No such backup', 422: 'Backup fails validation' },
    summary: 'Restore a backup (the current file is backed up first)',
    handle: ({ params, remote, who }) => settings.restore(params[0], clientOf(remote, who)),
  });
  endpoint(router, ctx, {
    access: 'operator', method: 'get', path: '/api/config/diff', tag, summary: 'Parameters that differ from the defaults',
    handle: () => {
      const differences = svc.diff();
      return { success: true, differences, count: differences.length, timestamp: now() };
    },
  });
  endpoint(router, ctx, {
    access: 'admin', method: 'post', path: '/api/config/revert/:section/:param', tag, limit: 'config', checkParams: requireParam,
    errors: { ...writeErrors, 404: 'Unknown section or parameter', 422: 'The default conflicts with other saved values' },
    summary: 'Remove the override so the default applies',
    handle: ({ params, remote, who }) => settings.revert(params[0], params[1], clientOf(remote, who)),
  });
  endpoint(router, ctx, {
    access: 'admin', method: 'get', path: '/api/config/audit', tag, summary: 'Recent configuration changes, newest first',
    handle: () => ({ success: true, entries: svc.recentAudit(), timestamp: now() }),
  });
};
