// The message /ws/telemetry pushes (its type is web/telemetry-types.ts's
// TelemetryMessage): /status, the tracker and follower data and a compact
// part of /stats, as one JSON string.

import type { ServerContext } from './context.js';
import { statusBody } from './status-body.js';

const round1 = (v: number) => Math.round(v * 10) / 10;
/** Percentiles of an empty window are 0: shown as null (nothing encoded yet), not as a 0 ms encode. */
const ms = (count: number, v: number) => (count > 0 && Number.isFinite(v) ? Math.round(v * 1000) / 1000 : null);

/** Bytes per second sent to all MJPEG and WS viewers (each client's rate is measured once a second). */
function bytesPerSec(ctx: ServerContext): number {
  let sum = 0;
  for (const c of ctx.fanout.clients()) sum += c.bytesPerSec;
  return Math.round(sum);
}

export function telemetryJson(ctx: ServerContext): string {
  const p = ctx.jpeg;
  const encodes = p.counters.encodes;
  return JSON.stringify({
    type: 'telemetry',
    timestamp: Date.now() / 1000,
    status: statusBody(ctx),
    tracker: ctx.controller.trackerData(),
    follower: ctx.controller.followerData(),
    stats: {
      frame_rate: ctx.config.streaming.fps,
      capture_fps: round1(ctx.stats.captureFps),
      encoded_fps: round1(ctx.stats.encodedFps),
      bytes_per_sec: bytesPerSec(ctx),
      encode_ms_p50: ms(encodes, p.encodeMs.percentile(50)),
      encode_ms_p99: ms(encodes, p.encodeMs.percentile(99)),
      clients: { mjpeg: ctx.fanout.count('mjpeg'), ws: ctx.fanout.count('ws'), webrtc: ctx.webrtc?.peerCount ?? 0 },
    },
  });
}
