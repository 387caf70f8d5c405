// What GET /metrics exposes: a private prom-client Registry per server
// (tests run several servers in one process, and the global registry would
// mix them), holding prom-client's default process metrics (RSS, CPU,
// event-loop lag, GC, heap) and skyfeed's own figures, each read at scrape
// time from the counters the engine keeps anyway (see scrape-metric.ts).
// Names follow Prometheus conventions: `skyfeed_` prefix, base units
// (seconds, bytes) in the name, `_total` on counters.

import { collectDefaultMetrics, Registry } from 'prom-client';
import type { SourceState } from '../capture/source.js';
import type { ServerContext } from './context.js';
import type { RestreamTargetStatus } from '../stream/restream/index.js';
import { histogramSamples, register, ScrapeMetric, type MetricType, type Sample } from './scrape-metric.js';

export const METRIC_PREFIX = 'skyfeed_';
const SOURCE_STATES: readonly SourceState[] = ['healthy', 'degraded', 'recovering', 'failed', 'unavailable'];
const STREAM_TRANSPORTS = ['mjpeg', 'ws'] as const;

/**
 * WebRTC frames sent: each peer counts its own, and a closed peer's count
 * goes with it. The collector remembers each live peer's last count (at most
 * webrtc max peers entries) and keeps the counts of peers that left, so the
 * counter never goes back; frames a peer sent after the last scrape before
 * it closed are not counted.
 */
class PeerFrameTotals {
  /** Last seen frames_sent per live peer id. */
  readonly #seen = new Map<string, number>();
  /** Frames of peers that are gone. */
  #retired = 0;

  total(peers: readonly { id: string; frames_sent: number }[]): number {
    const live = new Set<string>();
    let sum = this.#retired;
    for (const p of peers) {
      live.add(p.id);
      this.#seen.set(p.id, p.frames_sent);
      sum += p.frames_sent;
    }
    for (const [id, n] of this.#seen) {
      if (live.has(id)) continue;
      this.#retired += n;
      sum += n;
      this.#seen.delete(id);
    }
    return sum;
  }
}

/** The registry of one server; `metrics()` on it renders the text format. */
export function createMetricsRegistry(ctx: ServerContext): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  const add = (name: string, type: MetricType, help: string, read: () => Sample[]) =>
    register(registry, new ScrapeMetric(METRIC_PREFIX + name, help, type, read));
  const one = (value: number): Sample[] => [{ value }];
  const p = ctx.jpeg;
  const f = ctx.fanout;
  const peers = new PeerFrameTotals();

  add('capture_frames_total', 'counter', 'Frames the video source published on the frame bus', () => one(ctx.bus.published));
  add('capture_fps', 'gauge', 'Capture rate over the last second', () => one(ctx.stats.captureFps));
  add('video_source_state', 'gauge', 'Video source state (1 for the current state)', () => {
    const state = ctx.video.source?.health().state ?? 'unavailable';
    return SOURCE_STATES.map((s) => ({ labels: { state: s }, value: s === state ? 1 : 0 }));
  });

  add('encode_frames_total', 'counter', 'Frames JPEG-encoded (one per frame, whatever the number of qualities)', () =>
    one(p.counters.framesEncoded));
  add('encodes_total', 'counter', 'JPEG encodes (one per frame and quality tier)', () => one(p.counters.encodes));
  add('encoded_fps', 'gauge', 'Encoded frames per second over the last second', () => one(ctx.stats.encodedFps));
  add('encode_skipped_total', 'counter', 'Frames not encoded, by reason', () => [
    { labels: { reason: 'identical' }, value: p.counters.identicalSkipped },
    { labels: { reason: 'stale' }, value: p.counters.staleSkipped },
    { labels: { reason: 'idle' }, value: p.subscription.counters.idleSkipped },
    { labels: { reason: 'torn' }, value: p.counters.torn },
    { labels: { reason: 'overflow' }, value: p.counters.overflow },
    { labels: { reason: 'out_of_order' }, value: p.counters.outOfOrder },
  ]);
  add('encode_errors_total', 'counter', 'Encode worker failures and stalled encode tasks', () => [
    { labels: { kind: 'worker' }, value: p.counters.workerErrors },
    { labels: { kind: 'stalled_task' }, value: p.counters.stalledTasks },
  ]);
  add('encode_duration_seconds', 'histogram', 'JPEG encode time per frame and quality', () =>
    histogramSamples(`${METRIC_PREFIX}encode_duration_seconds`, p.encodeHistogram));

  add('stream_frames_sent_total', 'counter', 'Video frames sent to viewers, by transport', () => {
    const webrtc = ctx.webrtc ? peers.total(ctx.webrtc.stats().peer_list) : 0;
    return [
      ...STREAM_TRANSPORTS.map((t) => ({ labels: { transport: t }, value: f.byKind[t].framesSent })),
      { labels: { transport: 'webrtc' }, value: webrtc },
    ];
  });
  add('stream_frames_dropped_total', 'counter', 'Frames a viewer skipped (pacing, a full socket), by transport', () =>
    STREAM_TRANSPORTS.map((t) => ({ labels: { transport: t }, value: f.byKind[t].framesDropped })));
  add('stream_sent_bytes_total', 'counter', 'JPEG bytes sent to viewers, by transport', () =>
    STREAM_TRANSPORTS.map((t) => ({ labels: { transport: t }, value: f.byKind[t].bytesSent })));
  add('stream_clients', 'gauge', 'Connected viewers, by transport', () => [
    ...STREAM_TRANSPORTS.map((t) => ({ labels: { transport: t }, value: f.count(t) })),
    { labels: { transport: 'webrtc' }, value: ctx.webrtc?.peerCount ?? 0 },
  ]);
  add('stream_send_errors_total', 'counter', 'Sends that threw (the viewer is dropped)', () => one(f.sendErrors));
  add('stream_stalled_closed_total', 'counter', 'Viewers disconnected for taking no frame too long', () => one(f.stalledClosed));

  add('webrtc_peers', 'gauge', 'Live WebRTC peers', () => one(ctx.webrtc?.peerCount ?? 0));
  add('webrtc_peers_total', 'counter', 'WebRTC peers accepted since start', () => one(ctx.webrtc?.stats().peers_total ?? 0));
  add('webrtc_peers_rejected_total', 'counter', 'WebRTC peers refused because max peers were connected', () =>
    one(ctx.webrtc?.stats().rejected_full ?? 0));
  add('webrtc_encoder_running', 'gauge', 'The H.264 encoder process is running (1) or not (0)', () => {
    const e = ctx.webrtc?.encoder.stats();
    return one(e?.state === 'running' ? 1 : 0);
  });
  add('webrtc_encoder_restarts_total', 'counter', 'H.264 encoder restarts after it died', () =>
    one(ctx.webrtc?.encoder.stats().restarts ?? 0));

  add('restream_targets_active', 'gauge', 'Restream targets started (sending or retrying)', () => one(ctx.restream.activeCount));
  // Per restream target (at most 8, from the config file): the labels are bounded.
  const perTarget = (pick: (t: RestreamTargetStatus) => number): Sample[] =>
    ctx.restream.list().map((t) => ({ labels: { target: t.label }, value: pick(t) }));
  add('restream_sending', 'gauge', 'Restream target state: 1 sending, 0 stopped, waiting for a keyframe or failing', () =>
    perTarget((t) => (t.state === 'sending' ? 1 : 0)));
  add('restream_failing', 'gauge', 'Restream target failing (host unresolved, key unreadable, or packets refused in the last 3 s)', () =>
    perTarget((t) => (t.state === 'failing' ? 1 : 0)));
  add('restream_packets_total', 'counter', 'RTP packets the kernel accepted, per target', () => perTarget((t) => t.packets));
  add('restream_sent_bytes_total', 'counter', 'RTP bytes the kernel accepted, per target', () => perTarget((t) => t.bytes));
  add('restream_dropped_access_units_total', 'counter', 'Access units dropped because the path was stalled, per target', () =>
    perTarget((t) => t.dropped_access_units));
  add('restream_errors_total', 'counter', 'Send errors and refusals (ICMP unreachable), per target', () => perTarget((t) => t.errors));

  add('tracker_frames_total', 'counter', 'Frames the tracker processed', () => one(ctx.tracker.counters.processed));
  add('tracker_skipped_total', 'counter', 'Frames replaced by a newer one while the tracker was busy', () =>
    one(ctx.tracker.counters.skipped));
  add('tracker_duration_seconds', 'histogram', 'Tracker time per processed frame', () =>
    histogramSamples(`${METRIC_PREFIX}tracker_duration_seconds`, ctx.tracker.msHistogram));

  // The vehicle: absent samples (not zeros) when no vehicle is configured, so
  // an alert on link_up == 0 does not fire on a camera-only install.
  add('vehicle_link_up', 'gauge', 'Vehicle link has a live HEARTBEAT (1) or not (0)', () => {
    const l = ctx.flight?.vehicle.link;
    return l ? [{ labels: { connection: l.connection }, value: l.connected ? 1 : 0 }] : [];
  });
  add('vehicle_heartbeat_age_seconds', 'gauge', 'Seconds since the last vehicle HEARTBEAT', () => {
    const age = ctx.flight?.vehicle.link.last_heartbeat_age_s;
    return typeof age === 'number' ? one(age) : [];
  });
  add('vehicle_armed', 'gauge', 'Vehicle armed (1) or not (0)', () => {
    const l = ctx.flight?.vehicle.link;
    return l ? one(l.armed ? 1 : 0) : [];
  });
  add('vehicle_offboard', 'gauge', 'Vehicle in OFFBOARD / GUIDED (1) or not (0)', () => {
    const l = ctx.flight?.vehicle.link;
    return l ? one(l.is_offboard ? 1 : 0) : [];
  });
  add('uptime_seconds', 'gauge', 'Seconds since the server started', () => one(ctx.stats.uptime()));
  return registry;
}
