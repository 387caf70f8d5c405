// GET /api/video/health and POST /api/video/reconnect (api-contract.md).

import type { RouteGroup } from '../context.js';
import { endpoint, Result } from '../endpoint.js';

export const videoHealthRoutes: RouteGroup = (router, ctx) => {
  endpoint(router, ctx, {
    access: 'viewer', method: 'get', path: '/api/video/health', tag: 'video',
    summary: 'Video source health: healthy, degraded, recovering, failed or unavailable',
    handle: () => ({ success: true, video: ctx.controller.videoHealth(), timestamp: Date.now() / 1000 }),
  });
  endpoint(router, ctx, {
    access: 'operator', method: 'post', path: '/api/video/reconnect', tag: 'video', limit: 'commands',
    errors: { 429: 'Too many requests', 503: 'Video still down after the attempt' },
    summary: 'Reopen the video source now and wait briefly for a frame',
    handle: async () => {
      const r = await ctx.controller.reconnectVideo();
      const body = { success: r.ok, message: r.message, video: r.video, timestamp: Date.now() / 1000 };
      return r.ok ? body : new Result(503, { detail: r.message, ...body });
    },
  });
};
