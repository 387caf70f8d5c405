// What the video panel measures (display fps, latency, transport), for the
// charts and anyone else; the newest values only.

export type TransportKind = 'webrtc' | 'ws' | 'mjpeg';

export interface VideoStats {
  transport: TransportKind | null;
  frames: number;
  fps: number;
  /** Capture → display in ms (WS: exact from the frame's timestamp; WebRTC: estimate; MJPEG: unknown). */
  latencyMs: number | null;
}

type Listener = (s: VideoStats) => void;
const listeners = new Set<Listener>();

export function publishVideoStats(s: VideoStats): void {
  for (const l of listeners) l(s);
}

export function onVideoStats(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}
