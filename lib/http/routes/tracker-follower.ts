// Tracker type and follower profile selection.

import type { RouteGroup } from '../context.js';
import { endpoint } from '../endpoint.js';

const bodyErrors = { 400: 'Unknown name (lists the valid ones) or malformed JSON', 413: 'Body too large', 415: 'Not JSON', 422: 'Invalid body', 429: 'Too many requests' };

export const trackerFollowerRoutes: RouteGroup = (router, ctx) => {
  const c = ctx.controller;
  endpoint(router, ctx, {
    access: 'viewer', method: 'get', path: '/api/tracker/schema', tag: 'tracker',
    summary: 'Tracker types and the current one', handle: () => c.trackerSchema(),
  });
  endpoint<{ tracker_type: string }>(router, ctx, {
    access: 'operator', method: 'post', path: '/api/tracker/switch', tag: 'tracker', body: 'TrackerSwitch', limit: 'commands',
    errors: { ...bodyErrors, 409: 'Following is active' },
    summary: 'Switch the tracker type (refused while following)', handle: ({ body }) => c.switchTracker(body.tracker_type),
  });
  endpoint(router, ctx, {
    access: 'viewer', method: 'get', path: '/api/follower/profiles', tag: 'follower',
    summary: 'Follower profiles and the current one', handle: () => c.followerProfiles(),
  });
  endpoint<{ profile_name: string }>(router, ctx, {
    access: 'operator', method: 'post', path: '/api/follower/switch-profile', tag: 'follower', body: 'ProfileSwitch', limit: 'commands', errors: bodyErrors,
    summary: 'Switch the follower profile', handle: ({ body }) => c.switchProfile(body.profile_name),
  });
};
