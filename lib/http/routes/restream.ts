// Restream targets (restream.targets in the config file): their state and
// counters, and live start/stop for admins. Where the video goes is set in
// the file only; the API can switch a configured target on and off.

import type { RouteGroup } from '../context.js';
import { endpoint } from '../endpoint.js';
import { logger } from '../../util/log.js';

const tag = 'video';

export const restreamRoutes: RouteGroup = (router, ctx) => {
  const hub = ctx.restream;
  const checkLabel = (params: string[]): void => void hub.status(params[0]);
  endpoint(router, ctx, {
    access: 'viewer', method: 'get', path: '/api/restream', tag,
    summary: 'Restream targets (RTP to media servers such as Janus): state, packets, bytes, dropped access units, errors',
    handle: () => ({ targets: hub.list(), timestamp: Date.now() / 1000 }),
  });
  endpoint(router, ctx, {
    access: 'viewer', method: 'get', path: '/api/restream/:label', tag, errors: { 404: 'No target with that label' },
    summary: 'One restream target',
    checkParams: checkLabel,
    handle: ({ params }) => ({ target: hub.status(params[0]), timestamp: Date.now() / 1000 }),
  });
  for (const action of ['start', 'stop'] as const) {
    endpoint(router, ctx, {
      access: 'admin', method: 'post', path: `/api/restream/:label/${action}`, tag, limit: 'commands',
      errors: { 404: 'No target with that label', 429: 'Too many requests' },
      summary: action === 'start'
        ? 'Start sending to a configured target (idempotent); it holds the H.264 encoder while it sends'
        : 'Stop sending to a target (idempotent); the encoder idles when nobody else wants it',
      checkParams: checkLabel,
      handle: ({ params, who, remote }) => {
        const label = params[0];
        const before = hub.status(label).state;
        const target = action === 'start' ? hub.start(label) : hub.stop(label);
        if ((before === 'stopped') !== (target.state === 'stopped')) {
          logger('restream').info({ label, action, actor: who.name ?? who.role, remote }, `restream ${label}: ${action} by ${who.name ?? who.role} from ${remote}`);
        }
        return { success: true, target, timestamp: Date.now() / 1000 };
      },
    });
  }
};
