import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { schemaPath } from './paths.js';

// Extra annotation keywords the schema carries for people and for the config
// API (units, reload tiers, which keys the API may not change or show);
// ajv's strict mode needs them declared.
const annotations = ['unit', 'reload_tier', 'step'];
// Flags on keys the config API must not write (a program, device or peer) or show (secrets).
const flags = ['file_only', 'secret'];

let compiled: ValidateFunction | undefined;

/** The config schema, compiled once per process. */
export function configValidator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv({ allErrors: true, strict: true, useDefaults: false });
  for (const keyword of annotations) ajv.addKeyword({ keyword, schemaType: ['string', 'number'] });
  for (const keyword of flags) ajv.addKeyword({ keyword, schemaType: 'boolean' });
  compiled = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
  return compiled;
}

function valueAt(root: unknown, pointer: string): unknown {
  let cur: unknown = root;
  for (const part of pointer.split('/').slice(1)) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

/** One line per violation: the key as dotted path, the value, the rule. */
export function describeErrors(errors: ErrorObject[] | null | undefined, data: unknown): string[] {
  return (errors ?? []).map((e) => {
    let key = e.instancePath.slice(1).replace(/\//g, '.');
    let value = valueAt(data, e.instancePath);
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      key = key ? `${key}.${extra}` : extra;
      value = valueAt(data, `${e.instancePath}/${extra}`);
      return `${key}: unknown key (value ${JSON.stringify(value)})`;
    }
    if (e.keyword === 'required') {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return `${key ? `${key}.` : ''}${missing}: is required`;
    }
    return `${key || '(root)'}: value ${JSON.stringify(value)} ${e.message ?? 'is invalid'}`;
  });
}
