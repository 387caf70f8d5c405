// Strict parsing of integer query parameters: a clear 400 instead of NaN.

export class QueryError extends Error {}

/** The integer value of `name` in `query`, `fallback` when absent. */
export function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^-?\d{1,9}$/.test(raw)) throw new QueryError(`${name} must be an integer, got ${JSON.stringify(raw.slice(0, 32))}`);
  const v = Number(raw);
  if (v < min || v > max) throw new QueryError(`${name} must be within ${min}..${max}, got ${v}`);
  return v;
}
