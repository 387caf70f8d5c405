// Telemetry for the panels: the /ws/telemetry push when it is up, else a
// 2 Hz poll of the REST endpoints shaped into the same message (a server
// without the socket, or a proxy that drops WebSockets, still gets a live
// dashboard). One poller for the page; it runs only while the socket is down.

import { api } from '../api.js';
import type { AppContext } from '../context.js';
import type { TelemetryMessage } from '../telemetry-types.js';

type Listener = (m: TelemetryMessage) => void;

const POLL_MS = 500;

const listeners = new Set<Listener>();
let latest: TelemetryMessage | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
// Previous /stats byte counter and its time, for a bytes-per-second rate.
let lastBytes: { bytes: number; at: number } | null = null;

function emit(m: TelemetryMessage): void {
  latest = m;
  for (const l of listeners) l(m);
}

/** Every telemetry message, pushed or polled; called at once with the newest. */
export function onTelemetry(ctx: AppContext, l: Listener): () => void {
  listeners.add(l);
  const off = ctx.telemetry.on(l);
  if (latest && !ctx.telemetry.latest) l(latest);
  return () => {
    listeners.delete(l);
    off();
  };
}

/** The newest message from either path. */
export function latestTelemetry(ctx: AppContext): TelemetryMessage | null {
  const pushed = ctx.telemetry.latest;
  if (pushed && (!latest || pushed.timestamp >= latest.timestamp)) return pushed;
  return latest;
}

async function pollOnce(): Promise<void> {
  const [status, tracker, follower, stats] = await Promise.all([
    api('GET', '/status'), api('GET', '/telemetry/tracker_data'), api('GET', '/telemetry/follower_data'), api('GET', '/stats'),
  ]);
  if (!status.ok) return;
  const s = stats.ok ? stats.body : {};
  const now = performance.now();
  const bytes = Number(s.total_bandwidth ?? 0);
  const rate = lastBytes && now > lastBytes.at ? Math.max(0, (bytes - lastBytes.bytes) / ((now - lastBytes.at) / 1000)) : 0;
  lastBytes = { bytes, at: now };
  emit({
    type: 'telemetry',
    timestamp: Number(status.body.timestamp ?? Date.now() / 1000),
    status: status.body,
    tracker: tracker.ok ? tracker.body : {},
    follower: follower.ok ? follower.body : {},
    stats: {
      frame_rate: Number(s.frame_rate ?? 0),
      capture_fps: Number(s.capture?.fps ?? 0),
      encoded_fps: Number(s.encode?.encoded_fps ?? 0),
      bytes_per_sec: rate,
      encode_ms_p50: s.encode?.ms_p50 ?? null,
      encode_ms_p99: s.encode?.ms_p99 ?? null,
      clients: { mjpeg: Number(s.http_connections ?? 0), ws: Number(s.ws_connections ?? 0), webrtc: Number(s.webrtc?.peers ?? 0) },
    },
  });
}

/** Poll while the socket is down; stops itself while it is up. */
export function startFallbackPoll(ctx: AppContext): void {
  const tick = async () => {
    timer = null;
    if (!ctx.telemetry.connected) await pollOnce().catch(() => undefined);
    timer = setTimeout(tick, POLL_MS);
  };
  if (!timer) timer = setTimeout(tick, 0);
}
