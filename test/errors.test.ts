// Code and docs cannot drift: every error code has a status, and the
// README's table lists each one with that status.

import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES } from '../lib/errors.js';
import { STATUS_OF } from '../lib/http/error-status.js';

const readme = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../README.md'), 'utf8');

t.test('every code is documented with its status', async (t) => {
  for (const code of ERROR_CODES) {
    t.ok(STATUS_OF[code] >= 400 && STATUS_OF[code] < 600, `${code} has an error status`);
    t.match(readme, new RegExp(`\\| \`${code}\` \\| ${STATUS_OF[code]} \\|`), `${code} is in the README with ${STATUS_OF[code]}`);
  }
  const listed = [...readme.matchAll(/\| `(SKYFEED_ERR_\w+)` \|/g)].map((m) => m[1]);
  t.same(listed.filter((c) => !(ERROR_CODES as readonly string[]).includes(c)), [], 'no documented code that does not exist');
});
