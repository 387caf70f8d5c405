// GET /telemetry/tracker_data and /telemetry/follower_data ({} when nothing
// is tracked / no follower exists). /status lives in stream-stats.ts.

import type { RouteGroup } from '../context.js';
import { endpoint } from '../endpoint.js';

export const telemetryRoutes: RouteGroup = (router, ctx) => {
  endpoint(router, ctx, {
    access: 'viewer', method: 'get', path: '/telemetry/tracker_data', tag: 'telemetry',
    summary: 'Tracker output in the contract field names; {} when nothing is tracked',
    handle: () => ctx.controller.trackerData(),
  });
  endpoint(router, ctx, {
    access: 'viewer', method: 'get', path: '/telemetry/follower_data', tag: 'telemetry',
    summary: 'Follower state in the contract field names; {} when no follower exists',
    handle: () => ctx.controller.followerData(),
  });
};
