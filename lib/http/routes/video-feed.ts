// GET /video_feed (MJPEG) and GET /snapshot.

import type { RouteGroup } from '../context.js';
import { requestInfo } from '../request.js';
import { intParam, QueryError } from '../../util/int-param.js';
import { sendBytes, sendError, type Reply } from '../respond.js';
import { MjpegClient } from '../../stream/mjpeg.js';
import { streamParams, type StreamParams } from '../../stream/stream-params.js';
import { tierOf } from '../../policy/quality-tiers.js';

const SNAPSHOT_TIMEOUT_MS = 3000;

export const videoFeedRoutes: RouteGroup = (router, ctx) => {
  const s = ctx.config.streaming;

  router.get('/video_feed', 'viewer', (res, req) => {
    const info = requestInfo(req, res);
    const cors = ctx.cors.headersFor(info.origin);
    const reply: Reply = { res, aborted: false, cors };
    if (ctx.shuttingDown) return sendError(reply, 'SKYFEED_ERR_SHUTTING_DOWN', 'Server shutting down');
    let params: StreamParams;
    try {
      params = streamParams(info.query, s);
    } catch (err) {
      if (err instanceof QueryError) return sendError(reply, 'SKYFEED_ERR_QUERY_INVALID', err.message);
      throw err;
    }
    if (ctx.fanout.count('mjpeg') >= s.max_http_clients) {
      return sendError(reply, 'SKYFEED_ERR_STREAM_LIMIT', `Max HTTP stream clients reached (${s.max_http_clients})`);
    }
    if (ctx.fanout.countFrom(info.remote) >= s.max_clients_per_address) {
      return sendError(reply, 'SKYFEED_ERR_STREAM_LIMIT', `Max stream connections from one address reached (${s.max_clients_per_address})`);
    }
    const headers: [string, string][] = [
      ['Content-Type', 'multipart/x-mixed-replace; boundary=frame'],
      ['Cache-Control', 'no-cache, no-store, must-revalidate'],
      ['Pragma', 'no-cache'],
      ['X-Accel-Buffering', 'no'],
      ...cors,
    ];
    const client = new MjpegClient(res, info.remote, params.quality, params.fps, ctx.policy, s.fps, headers, (c) => ctx.fanout.remove(c));
    client.followsDefaultQuality = params.defaultQuality;
    client.followsDefaultFps = params.defaultFps;
    ctx.fanout.add(client);
  });

  router.get('/snapshot', 'viewer', (res, req) => {
    const info = requestInfo(req, res);
    const reply: Reply = { res, aborted: false, cors: ctx.cors.headersFor(info.origin) };
    res.onAborted(() => { reply.aborted = true; });
    let quality: number;
    try {
      // Snapped to the tier grid like a stream's quality: a snapshot shares
      // the stream's encode, and arbitrary qualities cannot multiply encodes.
      quality = tierOf(intParam(info.query, 'quality', s.quality, s.min_quality, s.max_quality), ctx.policy);
    } catch (err) {
      if (err instanceof QueryError) return sendError(reply, 'SKYFEED_ERR_QUERY_INVALID', err.message);
      throw err;
    }
    ctx.jpeg.snapshot(quality, SNAPSHOT_TIMEOUT_MS).then((frame) => {
      if (!frame) return sendError(reply, 'SKYFEED_ERR_NO_FRAME_AVAILABLE', 'No frame available from the video source');
      // Copy-free: the JPEG view goes straight to uWS, synchronously.
      sendBytes(reply, 200, 'image/jpeg', frame.jpeg, [
        ['Cache-Control', 'no-store'],
        ['X-Timestamp', frame.timestamp],
        ['X-Frame-Id', String(frame.id)],
      ]);
    });
  });
};
