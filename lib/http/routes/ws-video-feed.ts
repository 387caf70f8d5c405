// WS /ws/video_feed, as the API contract describes it: per frame a JSON meta
// message then the binary JPEG; client messages quality, fps and ping.

import type { WebSocket } from 'uWebSockets.js';
import type { RouteGroup } from '../context.js';
import { requestInfo } from '../request.js';
import { QueryError } from '../../util/int-param.js';
import { reply as replyTo, sendError } from '../respond.js';
import { acceptUpgrade, refusedWhileShuttingDown, wsHandshake } from '../ws-upgrade.js';
import { WsClient, type WsUserData } from '../../stream/ws-client.js';
import { streamParams, type StreamParams } from '../../stream/stream-params.js';

const decoder = new TextDecoder();
/** Client messages are tiny; a larger one closes the socket with 1009. */
export const MAX_MESSAGE_BYTES = 4096;
/**
 * What uWS itself accepts before dropping the connection without a close
 * code (1006). Above MAX_MESSAGE_BYTES so that an oversized message gets a
 * proper 1009 from us; small so that uWS buffers little per connection.
 */
const UWS_MAX_PAYLOAD = 64 * 1024;
/**
 * Client messages per second before the socket is closed with 1008. A
 * viewer pings about once a second and changes quality or fps now and then;
 * a flood of messages would take the event loop from every other viewer.
 */
export const MAX_MESSAGES_PER_S = 50;
/** Room for replies beyond one frame in the socket's buffer. */
const REPLY_HEADROOM = 16 * 1024;

export const wsVideoFeedRoutes: RouteGroup = (router, ctx) => {
  const s = ctx.config.streaming;

  // A frame goes out only into an empty socket, so more than one frame's
  // worth buffered means the client is not reading: replies are skipped
  // (see WsClient.sendJson) and the socket's buffer stays bounded.
  const replyLimit = ctx.jpeg.encoded.capacity;
  const reply = (client: WsClient, msg: unknown) => client.sendJson(msg, replyLimit);
  const error = (client: WsClient, message: string) => reply(client, { type: 'error', message });

  const onMessage = (ws: WebSocket<WsUserData>, data: ArrayBuffer, isBinary: boolean) => {
    const client = ws.getUserData().client;
    if (!client || client.closed) return;
    if (!client.countMessage(performance.now(), MAX_MESSAGES_PER_S)) {
      client.close(1008, `Too many messages: at most ${MAX_MESSAGES_PER_S} per second`);
      return;
    }
    if (data.byteLength > MAX_MESSAGE_BYTES) {
      client.close(1009, `Message too big: at most ${MAX_MESSAGE_BYTES} bytes`);
      return;
    }
    if (isBinary) return error(client, 'binary messages are not accepted; send JSON text');
    let msg: unknown;
    try {
      msg = JSON.parse(decoder.decode(data));
    } catch {
      return error(client, 'malformed JSON');
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return error(client, 'message must be a JSON object');
    const m = msg as Record<string, unknown>;
    switch (m.type) {
      case 'ping': {
        const pong: Record<string, unknown> = { type: 'pong', timestamp: Date.now() / 1000 };
        if (typeof m.client_timestamp === 'number') pong.client_timestamp = m.client_timestamp;
        return reply(client, pong);
      }
      case 'quality': {
        const q = m.quality;
        if (typeof q !== 'number' || !Number.isInteger(q) || q < s.min_quality || q > s.max_quality) {
          return error(client, `quality must be an integer within ${s.min_quality}..${s.max_quality}`);
        }
        ctx.fanout.requestQuality(client, q);
        return reply(client, { type: 'quality', quality: client.quality.tier, requested: q });
      }
      case 'fps': {
        const f = m.fps;
        if (typeof f !== 'number' || !Number.isInteger(f) || f < s.min_fps || f > s.max_fps) {
          return error(client, `fps must be an integer within ${s.min_fps}..${s.max_fps}`);
        }
        client.setFps(f);
        client.followsDefaultFps = false;
        return reply(client, { type: 'fps', fps: f });
      }
      default:
        return error(client, `unknown message type ${JSON.stringify(m.type ?? null)}; expected quality, fps or ping`);
    }
  };

  router.ws<WsUserData>('/ws/video_feed', 'viewer', {
    compression: 0, // JPEG does not compress; deflate would only burn CPU
    maxPayloadLength: UWS_MAX_PAYLOAD,
    // Bounds what one slow socket can hold: one frame (sent only into an
    // empty socket) plus replies up to replyLimit; uWS drops what is beyond.
    maxBackpressure: replyLimit + ctx.jpeg.encoded.capacity + REPLY_HEADROOM,
    closeOnBackpressureLimit: 0,
    idleTimeout: 120,
    sendPingsAutomatically: true,

    upgrade: (res, req, context) => {
      const info = requestInfo(req, res);
      const hs = wsHandshake(req);
      if (refusedWhileShuttingDown(res, ctx.shuttingDown)) return;
      let params: StreamParams;
      try {
        params = streamParams(info.query, s);
      } catch (err) {
        if (!(err instanceof QueryError)) throw err;
        sendError(replyTo(res), 'SKYFEED_ERR_QUERY_INVALID', err.message);
        return;
      }
      const data: WsUserData = {
        remote: info.remote, quality: params.quality, fps: params.fps, client: null,
        followsQuality: params.defaultQuality, followsFps: params.defaultFps,
        rejected: ctx.fanout.count('ws') >= s.max_ws_clients ? 'Max connections reached'
          : ctx.fanout.countFrom(info.remote) >= s.max_clients_per_address ? `Too many streams from one address (${s.max_clients_per_address})`
          : null,
      };
      acceptUpgrade(res, hs, data, context);
    },

    open: (ws) => {
      const data = ws.getUserData();
      if (data.rejected) {
        ws.end(1008, data.rejected);
        return;
      }
      const client = new WsClient(ws, data.remote, data.quality, data.fps, ctx.policy, s.fps);
      client.followsDefaultQuality = data.followsQuality;
      client.followsDefaultFps = data.followsFps;
      data.client = client;
      ctx.fanout.add(client);
    },

    message: onMessage,

    close: (ws) => {
      const client = ws.getUserData().client;
      if (!client) return;
      client.closed = true;
      ctx.fanout.remove(client);
    },
  });
};
