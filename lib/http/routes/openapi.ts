// GET /openapi.json and GET /docs. Built on first request, when every route
// group has registered its endpoints, then served from memory.

import type { RouteGroup } from '../context.js';
import { endpointsOf } from '../endpoint.js';
import { buildOpenApi, renderDocsHtml } from '../openapi.js';
import { sendBytes } from '../respond.js';

export const openapiRoutes: RouteGroup = (router, ctx) => {
  let json: string | null = null;
  let html: string | null = null;
  const build = () => {
    const doc = buildOpenApi(endpointsOf(ctx), ctx.routes);
    json = JSON.stringify(doc);
    html = renderDocsHtml(doc);
  };
  router.get('/openapi.json', 'viewer', (res, req) => {
    if (!json) build();
    sendBytes({ res, aborted: false, cors: ctx.cors.headersFor(req.getHeader('origin')) }, 200, 'application/json', json!);
  });
  router.get('/docs', 'viewer', (res) => {
    if (!html) build();
    sendBytes({ res, aborted: false, cors: [] }, 200, 'text/html; charset=utf-8', html!);
  });
};
