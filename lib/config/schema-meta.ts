// Per-parameter metadata for GET /api/config/schema, read from
// config/schema.json (the schema that validates) and the defaults, in the
// shape config tools expect: type, default, description, min, max, step, unit,
// options, reload_tier. A parameter without its own reload_tier inherits
// its section's; system_restart when neither says.

import { readFileSync } from 'node:fs';
import { schemaPath } from './paths.js';

export type ReloadTier = 'immediate' | 'follower_restart' | 'tracker_restart' | 'system_restart';

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
  /** Changes only by editing the file: the API answers 403. */
  file_only: boolean;
  /** Never shown by the API (current, diff, audit). */
  secret: boolean;
}

type Node = Record<string, unknown> & { properties?: Record<string, Node> };

let rootSchema: Node | undefined;

export function configSchema(): Node {
  rootSchema ??= JSON.parse(readFileSync(schemaPath, 'utf8')) as Node;
  return rootSchema;
}

export function sectionNames(): string[] {
  return Object.keys(configSchema().properties ?? {});
}

function sectionNode(section: string): Node | undefined {
  const props = configSchema().properties ?? {};
  return Object.hasOwn(props, section) ? props[section] : undefined;
}

/** The schema node of section.param, or undefined when either is unknown. */
export function paramNode(section: string, param: string): Node | undefined {
  const props = sectionNode(section)?.properties ?? {};
  return Object.hasOwn(props, param) ? props[param] : undefined;
}

export function reloadTier(section: string, param: string): ReloadTier {
  const p = paramNode(section, param);
  return ((p?.reload_tier ?? sectionNode(section)?.reload_tier) as ReloadTier | undefined) ?? 'system_restart';
}

/**
 * Keys that choose a program, its arguments, the listener or whom the
 * server trusts: `file_only` on the parameter or its section. The API may
 * not change them, even for an admin: a stolen admin token must not become
 * a shell on the vehicle.
 */
export function isFileOnly(section: string, param: string): boolean {
  return paramNode(section, param)?.file_only === true || sectionNode(section)?.file_only === true;
}

/** Keys whose values the API never shows (passphrases): `secret` on the parameter. */
export function isSecret(section: string, param: string): boolean {
  return paramNode(section, param)?.secret === true;
}

export function paramMeta(section: string, param: string, defaults: Record<string, Record<string, unknown>>): ParamMeta {
  const p = paramNode(section, param) ?? {};
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  return {
    type: typeof p.type === 'string' ? p.type : Array.isArray(p.enum) ? 'enum' : 'any',
    default: isSecret(section, param) ? null : defaults[section]?.[param] ?? null,
    description: typeof p.description === 'string' ? p.description : null,
    min: num(p.minimum),
    max: num(p.maximum),
    step: num(p.step) ?? num(p.multipleOf),
    unit: typeof p.unit === 'string' ? p.unit : null,
    options: Array.isArray(p.enum) ? p.enum : null,
    reload_tier: reloadTier(section, param),
    file_only: isFileOnly(section, param),
    secret: isSecret(section, param),
  };
}
