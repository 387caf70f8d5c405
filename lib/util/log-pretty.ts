// The human form of a log line, for a terminal: time, level, component,
// message, then the other fields as key=value. Only used when stderr is a
// TTY (a person is reading, the volume is small), so parsing each line
// back from JSON costs nothing that matters.

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
/** Fields shown in the line's head, or not at all. */
const HEAD = new Set(['level', 'time', 'pid', 'component', 'msg', 'err']);

function value(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  return JSON.stringify(v) ?? String(v);
}

/** One JSON log line (with or without its newline) as one readable line; a line that is not JSON passes unchanged. */
export function prettyLine(line: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  if (typeof o !== 'object' || o === null) return `${line.trimEnd()}\n`;
  const time = typeof o.time === 'number' ? new Date(o.time).toISOString().slice(11, 23) : '--:--:--.---';
  const level = LEVEL_NAMES[o.level as number] ?? String(o.level);
  let out = `${time} ${level} ${o.component ? `${String(o.component)}: ` : ''}${String(o.msg ?? '')}`;
  for (const [k, v] of Object.entries(o)) if (!HEAD.has(k)) out += ` ${k}=${value(v)}`;
  const err = o.err as { stack?: string; message?: string } | undefined;
  if (err) out += `\n  ${(err.stack ?? err.message ?? JSON.stringify(err)).replace(/\n/g, '\n  ')}`;
  return `${out}\n`;
}
