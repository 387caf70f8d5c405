// GET /: a minimal page with the live stream and a stats line.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../config/paths.js';
import type { RouteGroup } from '../context.js';
import { sendBytes } from '../respond.js';

export const pageRoutes: RouteGroup = (router) => {
  // Read once at start-up; the page is static. Public: it must load before
  // a token exists (it asks for one when the server wants it).
  const html = readFileSync(path.join(packageRoot, 'lib/http/pages/index.html'));
  router.get('/', 'public', (res) => {
    sendBytes({ res, aborted: false, cors: [] }, 200, 'text/html; charset=utf-8', html, [['Cache-Control', 'no-cache']]);
  });
};
