// A strict parser of the Prometheus text exposition format 0.0.4, for the
// /metrics tests: it throws on anything a Prometheus server would reject or
// that the format's rules forbid (a sample before its TYPE, a family split
// in two, bad names or label syntax, duplicate series, histograms whose
// buckets are not cumulative or whose +Inf bucket is not the count).

export type FamilyType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromFamily {
  name: string;
  help: string | null;
  type: FamilyType;
  samples: PromSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<FamilyType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

class ParseError extends Error {
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

/** As Prometheus reads values (Go's ParseFloat): NaN and Inf in any case; prom-client writes NaN as "Nan". */
function parseValue(s: string, n: number): number {
  const lower = s.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) throw new ParseError(n, `bad value ${JSON.stringify(s)}`);
  return Number(s);
}

/** `{a="x",b="y\"z"}` starting at text[i] === '{'; returns the labels and the index after '}'. */
function parseLabels(text: string, i: number, n: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  i++;
  for (;;) {
    if (text[i] === '}') return [labels, i + 1];
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new ParseError(n, 'label without =');
    const name = text.slice(i, eq);
    if (!LABEL_NAME.test(name)) throw new ParseError(n, `bad label name ${JSON.stringify(name)}`);
    if (name in labels) throw new ParseError(n, `label ${name} twice`);
    if (text[eq + 1] !== '"') throw new ParseError(n, `label ${name}: value must be quoted`);
    let v = '';
    let j = eq + 2;
    for (;; j++) {
      if (j >= text.length) throw new ParseError(n, `label ${name}: unterminated value`);
      const c = text[j];
      if (c === '"') break;
      if (c === '\\') {
        const e = text[++j];
        if (e === 'n') v += '\n';
        else if (e === '\\' || e === '"') v += e;
        else throw new ParseError(n, `label ${name}: bad escape \\${e}`);
      } else v += c;
    }
    labels[name] = v;
    i = j + 1;
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw new ParseError(n, `label ${name}: expected , or } after the value`);
  }
}

/** The family a sample name belongs to (histogram/summary suffixes), given the families declared so far. */
function familyOf(name: string, families: Map<string, PromFamily>): PromFamily | undefined {
  const direct = families.get(name);
  if (direct) return direct;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!name.endsWith(suffix)) continue;
    const f = families.get(name.slice(0, -suffix.length));
    if (f && (f.type === 'histogram' || (f.type === 'summary' && suffix !== '_bucket'))) return f;
  }
  return undefined;
}

function checkHistogram(f: PromFamily): void {
  // Group by the labels other than le.
  const series = new Map<string, { buckets: [number, number][]; count?: number; sum?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    let g = series.get(key);
    if (!g) series.set(key, (g = { buckets: [] }));
    if (s.name === `${f.name}_bucket`) {
      if (le === undefined) throw new Error(`${f.name}: a bucket without le`);
      g.buckets.push([parseValue(le, 0), s.value]);
    } else if (s.name === `${f.name}_count`) g.count = s.value;
    else if (s.name === `${f.name}_sum`) g.sum = s.value;
    else throw new Error(`${f.name}: unexpected sample ${s.name}`);
  }
  for (const [key, g] of series) {
    const where = `${f.name}${key === '[]' ? '' : ` ${key}`}`;
    if (g.count === undefined || g.sum === undefined) throw new Error(`${where}: _count and _sum are required`);
    if (g.buckets.length === 0) throw new Error(`${where}: no buckets`);
    for (let i = 1; i < g.buckets.length; i++) {
      if (!(g.buckets[i][0] > g.buckets[i - 1][0])) throw new Error(`${where}: le not ascending`);
      if (g.buckets[i][1] < g.buckets[i - 1][1]) throw new Error(`${where}: bucket counts not cumulative at le=${g.buckets[i][0]}`);
    }
    const last = g.buckets[g.buckets.length - 1];
    if (last[0] !== Infinity) throw new Error(`${where}: no le="+Inf" bucket`);
    if (last[1] !== g.count) throw new Error(`${where}: +Inf bucket ${last[1]} != _count ${g.count}`);
  }
}

/** Parses a whole exposition; throws with the line number on the first violation. */
export function parsePrometheusText(text: string): Map<string, PromFamily> {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map<string, PromFamily>();
  const seriesSeen = new Set<string>();
  let current: PromFamily | null = null;
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((line, idx) => {
    const n = idx + 1;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (!m) return; // a plain comment
      const [, kind, name, rest = ''] = m;
      if (!METRIC_NAME.test(name)) throw new ParseError(n, `bad metric name ${JSON.stringify(name)}`);
      let f = families.get(name);
      if (f && f !== current) throw new ParseError(n, `${name}: family declared again after other families`);
      if (f && f.samples.length > 0) throw new ParseError(n, `${name}: ${kind} after its samples`);
      if (!f) {
        f = { name, help: null, type: 'untyped', samples: [] };
        families.set(name, f);
        current = f;
      }
      if (kind === 'HELP') {
        if (f.help !== null) throw new ParseError(n, `${name}: HELP twice`);
        if (/\\[^n\\]/.test(rest)) throw new ParseError(n, `${name}: bad escape in HELP`);
        f.help = rest;
      } else {
        if (!TYPES.has(rest as FamilyType)) throw new ParseError(n, `${name}: unknown TYPE ${JSON.stringify(rest)}`);
        f.type = rest as FamilyType;
      }
      return;
    }
    const nameEnd = line.search(/[{ ]/);
    if (nameEnd <= 0) throw new ParseError(n, `malformed sample ${JSON.stringify(line.slice(0, 80))}`);
    const name = line.slice(0, nameEnd);
    if (!METRIC_NAME.test(name)) throw new ParseError(n, `bad metric name ${JSON.stringify(name)}`);
    let labels: Record<string, string> = {};
    let i = nameEnd;
    if (line[i] === '{') [labels, i] = parseLabels(line, i, n);
    if (line[i] !== ' ') throw new ParseError(n, 'expected a space before the value');
    const parts = line.slice(i + 1).split(' ');
    if (parts.length > 2 || parts[0] === '') throw new ParseError(n, 'expected "value [timestamp]"');
    const value = parseValue(parts[0], n);
    if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) throw new ParseError(n, 'bad timestamp');
    const f = familyOf(name, families);
    if (!f) throw new ParseError(n, `${name}: sample without a TYPE/HELP line for its family`);
    if (f !== current) throw new ParseError(n, `${name}: sample outside its family's block`);
    if (f.type === 'counter' && !(value >= 0)) throw new ParseError(n, `${name}: a counter must be >= 0 (got ${value})`);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seriesSeen.has(key)) throw new ParseError(n, `${name}: duplicate series ${key}`);
    seriesSeen.add(key);
    f.samples.push({ name, labels, value });
  });
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

/** The value of `name` with exactly `labels` (others than those given must be absent); undefined when missing. */
export function sampleValue(families: Map<string, PromFamily>, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name !== name) continue;
      const keys = Object.keys(s.labels);
      if (keys.length === Object.keys(labels).length && keys.every((k) => s.labels[k] === labels[k])) return s.value;
    }
  }
  return undefined;
}
