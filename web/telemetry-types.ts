// What /ws/telemetry pushes (server: lib/http/routes/ws-telemetry.ts), one
// JSON text message per tick at ≤ 10 Hz (default 5; `?hz=1..10`). The
// REST endpoints carry the same objects for scripts.

export interface TelemetryMessage {
  type: 'telemetry';
  /** Server time, seconds since the epoch. */
  timestamp: number;
  /** GET /status. */
  status: Record<string, any>;
  /** GET /telemetry/tracker_data ({} when nothing is tracked). */
  tracker: Record<string, any>;
  /** GET /telemetry/follower_data. */
  follower: Record<string, any>;
  /** A compact part of GET /stats: rates, bandwidth, encode times. */
  stats: {
    frame_rate: number;
    capture_fps: number;
    encoded_fps: number;
    /** Bytes per second sent to all viewers. */
    bytes_per_sec: number;
    encode_ms_p50: number | null;
    encode_ms_p99: number | null;
    clients: { mjpeg: number; ws: number; webrtc: number };
  };
}
