// What every video transport gives the panel: an element showing the
// picture, a callback per displayed frame (with the frame's id, capture time
// and tracked box when the transport knows them), and a failure callback
// that lets the panel fall back to the next transport.

import type { TransportKind } from './video-stats.js';

export interface FrameInfo {
  /** The server's frame id of the picture now shown, when known. */
  frameId: number | null;
  /** Capture time, epoch seconds, when known. */
  timestamp: number | null;
  /** Tracked box [x, y, w, h] in frame pixels for this very frame; undefined: the transport does not say. */
  box?: number[] | null;
  targetState?: string | null;
}

export interface TransportHooks {
  onFrame(info: FrameInfo): void;
  /** A message on the WebRTC `telemetry` data channel. */
  onChannelTelemetry?(m: ChannelTelemetry): void;
  onFail(reason: string): void;
}

/** lib/app/telemetry-feed.ts: tracker and follower state tagged with the frame it belongs to. */
export interface ChannelTelemetry {
  type: 'telemetry';
  frame_id: number;
  timestamp: number;
  flags: Record<string, boolean>;
  tracker: Record<string, any>;
  follower: Record<string, any>;
}

export interface Transport {
  readonly kind: TransportKind;
  /** The element that shows the picture (the panel places it). */
  readonly el: HTMLVideoElement | HTMLImageElement | HTMLCanvasElement;
  /** The picture's size in pixels (0 before the first frame). */
  size(): { w: number; h: number };
  /** Capture → display estimate in ms, or null when the transport cannot tell. */
  latencyMs(): number | null;
  close(): void;
}

/**
 * What every transport shares: the closed guard, the first-frame deadline
 * (no picture in time: fail, and the panel falls back), and fail() = close
 * once, then tell the panel. Subclasses free their own resources in release().
 */
export abstract class TransportBase {
  protected closed = false;
  protected gotFrame = false;
  readonly #firstFrame: ReturnType<typeof setTimeout>;

  constructor(readonly hooks: TransportHooks, firstFrameMs: number, noFrameReason: string) {
    this.#firstFrame = setTimeout(() => { if (!this.gotFrame) this.fail(noFrameReason); }, firstFrameMs);
  }

  protected fail(reason: string): void {
    if (this.closed) return;
    this.close();
    this.hooks.onFail(reason);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.#firstFrame);
    this.release();
  }

  /** Ends the transport's sockets, timers and element (called once, by close()). */
  protected abstract release(): void;
}

export function wsUrl(path: string): string {
  const u = new URL(path, location.href);
  u.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}
