// GET /stats and GET /status (with the control flags ground stations read).

import type { RouteGroup } from '../context.js';
import { sendJson, type Reply } from '../respond.js';
import { statusBody } from '../status-body.js';

export const streamStatsRoutes: RouteGroup = (router, ctx) => {
  router.get('/stats', 'viewer', (res, req) => {
    const reply: Reply = { res, aborted: false, cors: ctx.cors.headersFor(req.getHeader('origin')) };
    sendJson(reply, 200, { ...ctx.stats.snapshot(ctx.config.streaming.fps, ctx.config.streaming.quality), webrtc: ctx.webrtc?.stats() ?? null, restream: ctx.restream.list() });
  });

  router.get('/status', 'viewer', (res, req) => {
    const reply: Reply = { res, aborted: false, cors: ctx.cors.headersFor(req.getHeader('origin')) };
    sendJson(reply, 200, statusBody(ctx));
  });
};
