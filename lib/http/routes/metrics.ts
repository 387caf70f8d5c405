// GET /metrics: Prometheus text format. Role viewer, like /stats: the
// figures are what a viewer can already read there. A scraper gets its own
// viewer token (`skyfeed token add prometheus viewer`), sent as
// `authorization: { credentials_file: ... }` in prometheus.yml; a separate
// metrics secret would be one more credential to rotate for no less access.

import type { RouteGroup } from '../context.js';
import type { Registry } from 'prom-client';
import { createMetricsRegistry } from '../metrics.js';
import { sendBytes, sendError, type Reply } from '../respond.js';
import { logger } from '../../util/log.js';

export const metricsRoutes: RouteGroup = (router, ctx) => {
  // Built at the first scrape: prom-client's default metrics start an
  // event-loop-delay monitor and a GC observer that cannot be stopped, so a
  // server nobody scrapes (most test servers) never starts them.
  let registry: Registry | null = null;
  const log = logger('http');
  router.get('/metrics', 'viewer', (res, req) => {
    const reply: Reply = { res, aborted: false, cors: ctx.cors.headersFor(req.getHeader('origin')) };
    res.onAborted(() => { reply.aborted = true; });
    const reg = (registry ??= createMetricsRegistry(ctx));
    reg.metrics().then(
      (text) => sendBytes(reply, 200, reg.contentType, text, [['Cache-Control', 'no-store']]),
      (err: Error) => {
        log.error({ err }, 'metrics scrape failed');
        sendError(reply, 'SKYFEED_ERR_INTERNAL', 'metrics scrape failed; see the server log');
      },
    );
  });
};
