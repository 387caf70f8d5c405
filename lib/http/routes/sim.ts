// GET /api/sim/targets[?frame_id=N]: the synthetic camera's ground truth for
// one of its recent frames (the last 720: 24 s at 30 fps), so that a
// client or a test can score tracker output by frame_id. 404 when the
// source is not the synthetic camera or the frame is not (or no longer) known.

import type { RouteGroup } from '../context.js';
import { endpoint } from '../endpoint.js';
import { SkyfeedError } from '../../errors.js';

export const simRoutes: RouteGroup = (router, ctx) => {
  endpoint(router, ctx, {
    access: 'viewer', method: 'get', path: '/api/sim/targets', tag: 'video',
    summary: 'Ground truth of the synthetic camera for a frame id (default: the newest): targets with id, class, pixel box, visible',
    errors: { 400: 'frame_id is not a non-negative integer', 404: 'Not the synthetic camera, or the frame is not in its history' },
    handle: ({ query }) => {
      const source = ctx.video.source;
      if (!source?.groundTruth) throw new SkyfeedError('SKYFEED_ERR_SIM_UNAVAILABLE', 'Ground truth exists only for the synthetic camera (source.type: synthetic)');
      const raw = query.get('frame_id');
      const id = raw === null ? ctx.bus.ring.latestSeq() : Number(raw);
      if (raw !== null && (!/^\d{1,10}$/.test(raw) || !Number.isSafeInteger(id))) {
        throw new SkyfeedError('SKYFEED_ERR_QUERY_INVALID', `frame_id must be a non-negative integer, got ${JSON.stringify(raw.slice(0, 32))}`);
      }
      const rec = source.groundTruth(id);
      if (!rec) throw new SkyfeedError('SKYFEED_ERR_SIM_FRAME_UNKNOWN', `No ground truth for frame ${id} (not yet made, or older than the history)`);
      return rec;
    },
  });
};
