// The body of GET /status, shared by the route and /ws/telemetry so that the
// dashboard and the ground-station scripts read the same object.

import type { ServerContext } from './context.js';
import type { FlightService } from '../app/flight-service.js';
import type { EncoderDetection } from '../encode/hw/encoder-detection.js';
import type { EncoderCandidate } from '../encode/hw/hw-report.js';

/** The encoders block once detection is over: it no longer changes, so it is built once per detection. */
const encodersDone = new WeakMap<EncoderDetection, Record<string, unknown>>();

const row = (c: EncoderCandidate) => ({ name: c.name, usable: c.usable, reason: c.reason });

/** Hardware-encoder detection: candidates per codec with why (not), what runs, and the fallback warning. */
function encodersBlock(d: EncoderDetection, configured: string): Record<string, unknown> {
  const done = encodersDone.get(d);
  if (done) return done;
  const snap = d.snapshot();
  const r = snap.report;
  const body = {
    state: snap.state,
    configured: { h264: configured },
    // jpeg: the JPEG path is sharp (libjpeg-turbo); hardware JPEG encoders are listed, not used.
    selected: { h264: d.encodesH264 ? snap.h264?.selected ?? null : null, jpeg: 'sharp' },
    warning: snap.h264?.warning ?? null,
    reason: snap.h264?.reason ?? null,
    error: snap.error,
    h264: r ? r.h264.map(row) : [],
    jpeg: r ? r.jpeg.map(row) : [],
    platform: r ? { arch: r.platform.arch, board: r.platform.board, model: r.platform.model } : null,
    took_ms: r ? r.tookMs : null,
  };
  if (snap.state !== 'detecting') encodersDone.set(d, body);
  return body;
}

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
    encoders: encodersBlock(ctx.encoders, ctx.config.webrtc.encoder),
    uptime: Math.round(ctx.stats.uptime() * 10) / 10,
    timestamp: Date.now() / 1000,
  };
}
