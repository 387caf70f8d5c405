// The body of GET /status, shared by the route and /ws/telemetry so that the
// dashboard and the ground-station scripts read the same object.

import type { ServerContext } from './context.js';
import type { FlightService } from '../app/flight-service.js';

/** The link as a ground station glances at it; /api/vehicle/status has everything. */
function vehicleSummary(f: FlightService): Record<string, unknown> {
  const l = f.vehicle.link;
  return {
    connection: l.connection, connected: l.connected, last_heartbeat_age_s: l.last_heartbeat_age_s,
    flight_mode: l.flight_mode, flight_mode_text: l.flight_mode_text, is_offboard: l.is_offboard, armed: l.armed,
    circuit_breaker: f.vehicle.circuitBreaker, following_active: f.following,
  };
}

/** Restream targets as the dashboard shows them; /api/restream has every counter. */
function restreamSummary(ctx: ServerContext): Record<string, unknown>[] {
  return ctx.restream.list().map((r) => ({
    label: r.label, state: r.state, host: r.host, video_port: r.video_port, viewer_url: r.viewer_url,
    bytes: r.bytes, errors: r.errors, last_error: r.last_error, dropped_access_units: r.dropped_access_units,
  }));
}

/** System status with the control flags, video state, streaming figures, vehicle link and client counts. */
export function statusBody(ctx: ServerContext): Record<string, unknown> {
  const source = ctx.video.source?.health();
  // The controller's flags object is live state: reading it allocates nothing.
  const f = ctx.controller.flags;
  return {
    smart_mode_active: f.smart_mode_active,
    tracking_started: f.tracking_started,
    segmentation_active: f.segmentation_active,
    following_active: f.following_active,
    video_status: source?.state ?? 'unavailable',
    source: source ?? null,
    streaming: {
      fps: ctx.config.streaming.fps,
      capture_fps: Math.round(ctx.stats.captureFps * 10) / 10,
      encoded_fps: Math.round(ctx.stats.encodedFps * 10) / 10,
      width: ctx.config.streaming.width,
      height: ctx.config.streaming.height,
      quality: ctx.config.streaming.quality,
    },
    vehicle: ctx.flight ? vehicleSummary(ctx.flight) : null,
    restream: restreamSummary(ctx),
    clients: { http: ctx.fanout.count('mjpeg'), ws: ctx.fanout.count('ws'), webrtc: ctx.webrtc?.peerCount ?? 0 },
    uptime: Math.round(ctx.stats.uptime() * 10) / 10,
    timestamp: Date.now() / 1000,
  };
}
