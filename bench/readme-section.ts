// Keeps the README's benchmark section current: everything between the two
// markers is replaced by the latest run's chart and summary; the rest of the
// README is left untouched.

import { readFileSync, writeFileSync } from 'node:fs';

export const BEGIN = '<!-- bench:begin (written by npm run bench; edits here are overwritten) -->';
export const END = '<!-- bench:end -->';

export function updateReadme(readmePath: string, body: string): boolean {
  const text = readFileSync(readmePath, 'utf8');
  const section = `${BEGIN}\n${body.trim()}\n${END}`;
  const i = text.indexOf(BEGIN);
  const j = text.indexOf(END);
  let next: string;
  if (i >= 0 && j > i) next = text.slice(0, i) + section + text.slice(j + END.length);
  else next = `${text.trimEnd()}\n\n## Benchmark\n\n\`npm run bench\` (about 7 minutes on 2 cores; \`npm run bench -- --quick\` is a smoke check under a minute). Method and options: bench/README.md.\n\n${section}\n`;
  if (next === text) return false;
  writeFileSync(readmePath, next);
  return true;
}
