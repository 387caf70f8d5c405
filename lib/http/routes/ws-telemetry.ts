// WS /ws/telemetry[?hz=1..10]: pushes /status, the tracker and follower data
// and a part of /stats as one JSON text message per tick (the dashboard's
// live view; the REST endpoints stay for scripts). Role viewer; the router
// checks the token, Host and Origin before the upgrade. Client messages are
// not part of the protocol and are ignored; a flood of them closes the socket.
//
// A bad `hz` (not an integer within 1..10) is refused with close 1008 and the
// reason, after the upgrade: a browser sees a close reason but never the body
// of a refused upgrade, and the dashboard should be able to show why.

import type { WebSocket } from 'uWebSockets.js';
import type { RouteGroup } from '../context.js';
import { requestInfo } from '../request.js';
import { acceptUpgrade, refusedWhileShuttingDown, wsHandshake } from '../ws-upgrade.js';
import { intParam, QueryError } from '../../util/int-param.js';
import { TelemetryHub, type TelemetrySubscriber } from '../../stream/telemetry-hub.js';
import { telemetryJson } from '../telemetry-message.js';
import { logConnect, logDisconnect } from '../../stream/connection-log.js';

interface TelemetryUserData {
  remote: string;
  hz: number;
  /** Why the connection is refused once open (close 1008), or null. */
  rejected: string | null;
  sub: TelemetrySubscriber | null;
  /** For the connect/disconnect log lines: an id and when it opened (Date.now()). */
  id: string;
  openedAt: number;
  /** Client message rate window: start (ms) and messages seen in it. */
  msgAt: number;
  msgs: number;
}

export const DEFAULT_HZ = 5;
/** Telemetry socket ids (`t1`, `t2`, ...), for the log. */
let lastId = 0;
/** The ceiling: the dashboard needs no more, and every tick costs a /status build. */
export const MAX_HZ = 10;
/**
 * Telemetry sockets in all: dashboards are a handful; a message is a few KB,
 * so the cap bounds the push work per tick and the memory of slow sockets.
 */
export const MAX_TELEMETRY_SOCKETS = 100;
/** A tick is skipped for a socket holding more than this (a few messages: it is not reading). */
export const SKIP_ABOVE_BYTES = 16 * 1024;
/** uWS's own cap per socket: what it holds beyond our skip bound is dropped by uWS, not queued. */
const UWS_MAX_BACKPRESSURE = 64 * 1024;
/** The client sends nothing we use; a chatty one is closed rather than served. */
const MAX_MESSAGES_PER_S = 20;
const UWS_MAX_PAYLOAD = 4096;

export const wsTelemetryRoutes: RouteGroup = (router, ctx) => {
  const hub = new TelemetryHub(() => telemetryJson(ctx), SKIP_ABOVE_BYTES);
  ctx.onShutdown(() => hub.close(1001, 'Server shutting down'));

  router.ws<TelemetryUserData>('/ws/telemetry', 'viewer', {
    compression: 0, // a few KB at ≤ 10 Hz: deflate per socket would cost more CPU than the bytes are worth
    maxPayloadLength: UWS_MAX_PAYLOAD,
    maxBackpressure: UWS_MAX_BACKPRESSURE,
    closeOnBackpressureLimit: 0,
    idleTimeout: 120,
    sendPingsAutomatically: true,

    upgrade: (res, req, context) => {
      const info = requestInfo(req, res);
      const hs = wsHandshake(req);
      if (refusedWhileShuttingDown(res, ctx.shuttingDown || hub.closed)) return;
      let hz = DEFAULT_HZ;
      let rejected: string | null = null;
      try {
        hz = intParam(info.query, 'hz', DEFAULT_HZ, 1, MAX_HZ);
      } catch (err) {
        if (!(err instanceof QueryError)) throw err;
        rejected = err.message;
      }
      const perAddress = ctx.config.streaming.max_clients_per_address;
      rejected ??= hub.count() >= MAX_TELEMETRY_SOCKETS ? `Max telemetry connections reached (${MAX_TELEMETRY_SOCKETS})`
        : hub.countFrom(info.remote) >= perAddress ? `Too many telemetry connections from one address (${perAddress})`
        : null;
      const data: TelemetryUserData = { remote: info.remote, hz, rejected, sub: null, id: `t${++lastId}`, openedAt: 0, msgAt: 0, msgs: 0 };
      acceptUpgrade(res, hs, data, context);
    },

    open: (ws) => {
      const data = ws.getUserData();
      if (data.rejected) {
        ws.end(1008, data.rejected);
        return;
      }
      data.sub = hub.add(ws, data.hz, data.remote);
      data.openedAt = Date.now();
      logConnect({ transport: 'ws_telemetry', remote: data.remote, client_id: data.id });
    },

    message: (ws: WebSocket<TelemetryUserData>) => {
      const data = ws.getUserData();
      const now = performance.now();
      if (now - data.msgAt >= 1000) {
        data.msgAt = now;
        data.msgs = 0;
      }
      if (++data.msgs > MAX_MESSAGES_PER_S) ws.end(1008, `Too many messages: at most ${MAX_MESSAGES_PER_S} per second`);
    },

    close: (ws) => {
      const data = ws.getUserData();
      if (data.sub) {
        hub.remove(data.sub);
        const sent = data.sub.sent;
        logDisconnect({ transport: 'ws_telemetry', remote: data.remote, client_id: data.id, connectedAt: data.openedAt, sent });
      }
      data.sub = null;
    },
  });
};
