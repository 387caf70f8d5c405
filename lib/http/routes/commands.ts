// POST /commands/*: tracking, smart mode, offboard. Every command changes
// state, so every one needs the operator role and is rate limited; the
// controller refuses all of them with 409 before the first video frame.

import type { RouteGroup } from '../context.js';
import { endpoint } from '../endpoint.js';
import type { PixelBox } from '../../app/geometry.js';

const tag = 'commands';
const limited = { 409: 'No video frame yet', 429: 'Too many requests' };
const withBody = { ...limited, 400: 'Malformed JSON', 413: 'Body too large', 415: 'Not JSON', 422: 'Invalid body' };

export const commandRoutes: RouteGroup = (router, ctx) => {
  const c = ctx.controller;
  endpoint<PixelBox>(router, ctx, {
    access: 'operator', method: 'post', path: '/commands/start_tracking', tag, body: 'BoundingBox', limit: 'commands', errors: withBody,
    summary: 'Start tracking the box (normalized when all values are in [0,1], else pixels)',
    handle: ({ body }) => c.startTracking(body),
  });
  endpoint(router, ctx, {
    access: 'operator', method: 'post', path: '/commands/stop_tracking', tag, limit: 'commands', errors: limited,
    summary: 'Stop tracking', handle: () => c.stopTracking(),
  });
  endpoint(router, ctx, {
    access: 'operator', method: 'post', path: '/commands/toggle_smart_mode', tag, limit: 'commands', errors: limited,
    summary: 'Toggle the detector-driven smart mode; turning it on cancels tracking', handle: () => c.toggleSmartMode(),
  });
  endpoint<{ x: number; y: number; frame_id?: number }>(router, ctx, {
    access: 'operator', method: 'post', path: '/commands/smart_click', tag, body: 'ClickPosition', limit: 'commands',
    errors: { ...withBody, 400: 'Smart mode is off, or malformed JSON' },
    summary: 'Click to select a target in smart mode', handle: ({ body }) => c.smartClick(body.x, body.y, body.frame_id),
  });
  endpoint(router, ctx, {
    access: 'operator', method: 'post', path: '/commands/start_offboard_mode', tag, limit: 'commands', errors: limited,
    summary: 'Start following (stops an active follower first); reports its steps', handle: () => c.startOffboard(),
  });
  endpoint(router, ctx, {
    access: 'operator', method: 'post', path: '/commands/stop_offboard_mode', tag, limit: 'commands', errors: limited,
    summary: 'Stop following; idempotent, reports was_active', handle: () => c.stopOffboard(),
  });
};
