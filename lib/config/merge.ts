// Key-by-key override of plain objects. Arrays and scalars replace wholesale.
// Keys that could reach Object.prototype are refused: a YAML file is input.

const forbidden = new Set(['__proto__', 'constructor', 'prototype']);

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepMerge(base: unknown, over: unknown, where = ''): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return structuredClone(over);
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(base)) out[k] = structuredClone(v);
  for (const [k, v] of Object.entries(over)) {
    if (forbidden.has(k)) throw new Error(`config key ${where}${k} is not allowed`);
    out[k] = k in out ? deepMerge(out[k], v, `${where}${k}.`) : structuredClone(v);
  }
  return Object.assign({}, out);
}
