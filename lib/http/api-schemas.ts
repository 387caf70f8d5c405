// JSON Schemas of every request body. The same objects compile into the
// validators the routes run and appear verbatim in /openapi.json, so the
// documentation cannot drift from what is enforced.

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

export type JsonSchema = Record<string, unknown>;

const number = { type: 'number' };

export const schemas = {
  BoundingBox: {
    type: 'object',
    description: 'All four values in [0,1]: normalized, top-left origin. Otherwise pixels.',
    additionalProperties: false,
    required: ['x', 'y', 'width', 'height'],
    properties: { x: number, y: number, width: number, height: number },
  },
  ClickPosition: {
    type: 'object',
    description: 'Both values in [0,1]: normalized, top-left origin. Otherwise pixels. frame_id (optional): the frame the operator '
      + 'clicked on (from the WS meta, X-Frame-Id or telemetry); it is used while the camera ring still holds it, else the newest.',
    additionalProperties: false,
    required: ['x', 'y'],
    properties: { x: number, y: number, frame_id: { type: 'integer', minimum: 0, maximum: 2147483647 } },
  },
  ConfigValue: {
    type: 'object',
    description: 'The new value; its type and range come from the parameter (see /api/config/schema).',
    additionalProperties: false,
    required: ['value'],
    properties: { value: {} },
  },
  TrackerSwitch: {
    type: 'object',
    additionalProperties: false,
    required: ['tracker_type'],
    properties: { tracker_type: { type: 'string', minLength: 1, maxLength: 64 } },
  },
  ProfileSwitch: {
    type: 'object',
    additionalProperties: false,
    required: ['profile_name'],
    properties: { profile_name: { type: 'string', minLength: 1, maxLength: 64 } },
  },
  FaultDrill: {
    type: 'object',
    description: 'A fault drill (sim.fault_injection only): what fails and for how long.',
    additionalProperties: false,
    required: ['kind', 'seconds'],
    properties: {
      kind: { enum: ['drop_link', 'freeze_video', 'corrupt_tracker'] },
      seconds: { type: 'number', exclusiveMinimum: 0, maximum: 600 },
    },
  },
  Login: {
    type: 'object',
    description: 'An API token; a session cookie is set for the browser that sent it.',
    additionalProperties: false,
    required: ['token'],
    properties: { token: { type: 'string', minLength: 1, maxLength: 256 } },
  },
  TokenCreate: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'role'],
    properties: {
      name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
      role: { enum: ['viewer', 'operator', 'admin'] },
    },
  },
} satisfies Record<string, JsonSchema>;

export type SchemaName = keyof typeof schemas;

const ajv = new Ajv({ allErrors: true, strict: true });
const compiled = new Map<SchemaName, ValidateFunction>();

/** Compiled once per schema, at route registration. */
export function validatorFor(name: SchemaName): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    v = ajv.compile(schemas[name]);
    compiled.set(name, v);
  }
  return v;
}

/** The 422 detail shape clients parse: one {loc, msg, type} per violation. */
export function violations(errors: ErrorObject[] | null | undefined): { loc: (string | number)[]; msg: string; type: string }[] {
  return (errors ?? []).map((e) => {
    const loc: (string | number)[] = ['body', ...e.instancePath.split('/').slice(1)];
    if (e.keyword === 'required') loc.push((e.params as { missingProperty: string }).missingProperty);
    if (e.keyword === 'additionalProperties') loc.push((e.params as { additionalProperty: string }).additionalProperty);
    const msg = e.keyword === 'additionalProperties' ? 'unknown field' : e.keyword === 'required' ? 'field required' : (e.message ?? 'invalid');
    return { loc, msg, type: e.keyword };
  });
}
