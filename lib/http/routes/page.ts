// GET / (the operator dashboard) and GET /app/<file> (its scripts and
// styles), from memory, with ETags (304 on If-None-Match) and gzip when the
// client takes it. Public: the page must load before a token exists (it asks
// for one when the server wants it); everything it shows comes from routes
// with their own roles.

import path from 'node:path';
import { packageRoot } from '../../config/paths.js';
import type { RouteGroup } from '../context.js';
import { sendBytes, sendEmpty, sendError, type Reply } from '../respond.js';
import { loadWebAssets, type WebAsset } from '../web-assets.js';

export const pageRoutes: RouteGroup = (router) => {
  const assets = loadWebAssets([path.join(packageRoot, 'web/static'), path.join(packageRoot, 'dist/web')]);
  const serve = (r: Reply, a: WebAsset, ifNoneMatch: string, acceptEncoding: string) => {
    // no-cache: revalidated on every load (a 304 costs a round trip, not the bytes), so an upgrade shows at once.
    const headers: [string, string][] = [['ETag', a.etag], ['Cache-Control', 'no-cache'], ['Vary', 'Accept-Encoding']];
    if (ifNoneMatch === a.etag) return sendEmpty(r, 304, headers);
    if (a.gzip && /\bgzip\b/.test(acceptEncoding)) return sendBytes(r, 200, a.contentType, a.gzip, [...headers, ['Content-Encoding', 'gzip']]);
    sendBytes(r, 200, a.contentType, a.body, headers);
  };
  router.get('/', 'public', (res, req) => {
    const a = assets.get('index.html');
    const r: Reply = { res, aborted: false, cors: [] };
    if (!a) return sendError(r, 'SKYFEED_ERR_NOT_FOUND', 'the dashboard is not built (npm run build)');
    serve(r, a, req.getHeader('if-none-match'), req.getHeader('accept-encoding'));
  });
  router.get('/app/*', 'public', (res, req) => {
    const name = req.getUrl().slice('/app/'.length);
    const r: Reply = { res, aborted: false, cors: [] };
    const a = name === 'index.html' ? undefined : assets.get(name);
    if (!a) return sendError(r, 'SKYFEED_ERR_NOT_FOUND', `no dashboard file ${JSON.stringify(name.slice(0, 80))}`);
    serve(r, a, req.getHeader('if-none-match'), req.getHeader('accept-encoding'));
  });
};
