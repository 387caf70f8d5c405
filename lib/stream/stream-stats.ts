// /stats: the contract's fields (both names where two generations of clients differ),
// and the engine's own: encode timings, encoded fps, skips, per-client rows.

import type { FrameBus } from '../bus/frame-bus.js';
import type { JpegPipeline } from '../encode/jpeg-pipeline.js';
import type { Fanout } from './fanout.js';
import { WsClient } from './ws-client.js';

export class StreamStats {
  readonly #bus: FrameBus;
  readonly #pipeline: JpegPipeline;
  readonly #fanout: Fanout;
  readonly #startedAt = Date.now();
  readonly #timer: NodeJS.Timeout;
  #last = { t: performance.now(), captured: 0, encoded: 0, encodes: 0 };
  captureFps = 0;
  encodedFps = 0;
  encodesPerSec = 0;

  constructor(bus: FrameBus, pipeline: JpegPipeline, fanout: Fanout) {
    this.#bus = bus;
    this.#pipeline = pipeline;
    this.#fanout = fanout;
    this.#timer = setInterval(() => this.#tick(), 1000);
    this.#timer.unref();
  }

  #tick(): void {
    const c = this.#pipeline.counters;
    const captured = this.#bus.published;
    const now = performance.now();
    const s = (now - this.#last.t) / 1000;
    this.captureFps = (captured - this.#last.captured) / s;
    this.encodedFps = (c.framesEncoded - this.#last.encoded) / s;
    this.encodesPerSec = (c.encodes - this.#last.encodes) / s;
    this.#last = { t: now, captured, encoded: c.framesEncoded, encodes: c.encodes };
  }

  uptime(): number {
    return (Date.now() - this.#startedAt) / 1000;
  }

  snapshot(frameRate: number, quality: number): Record<string, unknown> {
    const p = this.#pipeline;
    const f = this.#fanout;
    const c = p.counters;
    const now = Date.now();
    const http = f.count('mjpeg');
    const ws = f.count('ws');
    const clients = [];
    const wsClients = [];
    for (const cl of f.clients()) {
      clients.push({
        id: cl.id, kind: cl.kind, remote: cl.remote, fps: round(cl.measuredFps, 1), requested_fps: cl.fps,
        quality: cl.quality.tier, requested_quality: cl.quality.requested, drops: cl.drops,
        stalled_s: cl.stalledSeconds, frames_sent: cl.sent, bytes_per_sec: Math.round(cl.bytesPerSec),
        connected_duration: round((now - cl.connectedAt) / 1000, 1),
      });
      if (cl instanceof WsClient) {
        wsClients.push({
          id: cl.id, connected_duration: round((now - cl.connectedAt) / 1000, 1), quality: cl.quality.tier,
          frame_drops: cl.drops, bandwidth_kbps: round((cl.bytesPerSec * 8) / 1000, 1),
          replies_skipped: cl.repliesSkipped,
        });
      }
    }
    return {
      // The contract's fields.
      frames_sent: f.framesSent,
      frames_dropped: f.framesDropped,
      send_errors: f.sendErrors,
      stalled_clients_closed: f.stalledClosed,
      last_send_error: f.lastSendError,
      total_bandwidth: f.bytesSent,
      active_connections: http + ws,
      http_connections: http,
      ws_connections: ws,
      frame_rate: frameRate,
      quality,
      // The older clients' names where they differ.
      total_bandwidth_mb: round(f.bytesSent / 1e6, 3),
      websocket_connections: ws,
      websocket_clients: wsClients,
      cache_size: p.qualitiesCached(),
      uptime: round(this.uptime(), 1),
      // The engine's own.
      capture: { frames: this.#bus.published, fps: round(this.captureFps, 1) },
      encode: {
        workers: p.workers,
        inflight: p.inflight,
        ms_p50: round(p.encodeMs.percentile(50), 3),
        ms_p99: round(p.encodeMs.percentile(99), 3),
        encoded_fps: round(this.encodedFps, 1),
        encodes_per_sec: round(this.encodesPerSec, 1),
        frames_encoded: c.framesEncoded,
        encodes: c.encodes,
        identical_skipped: c.identicalSkipped,
        stale_skipped: c.staleSkipped,
        idle_skipped: p.subscription.counters.idleSkipped,
        torn: c.torn,
        overflow: c.overflow,
        out_of_order: c.outOfOrder,
        worker_errors: c.workerErrors,
        stalled_tasks: c.stalledTasks,
        pool_restarts: p.poolRestarts,
        slots_exhausted: c.slotsExhausted,
        last_worker_error: p.lastWorkerError,
        listener_errors: p.listenerErrors,
        last_listener_error: p.lastListenerError,
        qualities: p.qualitiesInDemand().sort((a, b) => a - b),
      },
      clients,
      timestamp: now / 1000,
    };
  }

  close(): void {
    clearInterval(this.#timer);
  }
}

function round(v: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}
