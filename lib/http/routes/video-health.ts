// GET /api/video/health and POST /api/video/reconnect (the API contract's video resilience).

import type { RouteGroup } from '../context.js';
import { endpoint, Result } from '../endpoint.js';
import { STATUS_OF } from '../error-status.js';

export const videoHealthRoutes: RouteGroup = (router, ctx) => {
  // The H.264 encoder (WebRTC): idle while no peer watches, restarted with backoff when it dies.
  const encoderHealth = () => {
    const e = ctx.webrtc?.encoder.stats();
    return e ? { state: e.state, restarts: e.restarts, fps: e.fps, kbps: e.kbps, last_error: e.last_error } : null;
  };
  endpoint(router, ctx, {
    access: 'viewer', method: 'get', path: '/api/video/health', tag: 'video',
    summary: 'Video source health: healthy, degraded, recovering, failed or unavailable',
    handle: () => ({ success: true, video: ctx.video.health(), webrtc_encoder: encoderHealth(), timestamp: Date.now() / 1000 }),
  });
  endpoint(router, ctx, {
    access: 'operator', method: 'post', path: '/api/video/reconnect', tag: 'video', limit: 'commands',
    errors: { 429: 'Too many requests', 503: 'Video still down after the attempt' },
    summary: 'Reopen the video source now and wait briefly for a frame',
    handle: async () => {
      const r = await ctx.video.reconnect();
      const body = { success: r.ok, message: r.message, video: r.video, timestamp: Date.now() / 1000 };
      return r.ok ? body : new Result(STATUS_OF.SKYFEED_ERR_VIDEO_STILL_DOWN, { detail: r.message, code: 'SKYFEED_ERR_VIDEO_STILL_DOWN', ...body });
    },
  });
};
