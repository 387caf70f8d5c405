// CORS preflight for every path, and a JSON 404 for unknown routes.
// Registered last: uWS matches specific routes before wildcards.

import type { RouteGroup } from '../context.js';
import { sendError, statusLine } from '../respond.js';

export const fallbackRoutes: RouteGroup = (app, ctx) => {
  app.options('/*', (res, req) => {
    const headers = ctx.cors.preflight(req.getHeader('origin'));
    res.cork(() => {
      res.writeStatus(statusLine(headers.length ? 204 : 403));
      for (const [k, v] of headers) res.writeHeader(k, v);
      res.end();
    });
  });
  app.any('/*', (res, req) => {
    const url = req.getUrl();
    sendError({ res, aborted: false, cors: ctx.cors.headersFor(req.getHeader('origin')) }, 404, `Not Found: ${url}`);
  });
};
