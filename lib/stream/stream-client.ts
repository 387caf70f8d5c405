// What every stream client (MJPEG or WebSocket) shares: pacing to its fps,
// the one-frame-in-flight rule, drop counting, adaptive quality and the
// counters /stats shows. Transports implement busy() and send().

import type { EncodedFrame } from '../encode/encoded-frame.js';
import { AdaptiveQuality, type QualityPolicy } from '../policy/quality-tiers.js';

export type ClientKind = 'mjpeg' | 'ws';

let nextId = 1;

export abstract class StreamClient {
  readonly id: string;
  abstract readonly kind: ClientKind;
  readonly remote: string;
  readonly connectedAt = Date.now();
  readonly quality: AdaptiveQuality;
  fps: number;
  /** Minimum capture-time gap between two frames sent to this client. */
  #minGapMs = 0;
  #halfSourceIntervalMs: number;
  #lastCaptureMs = -Infinity;
  sent = 0;
  drops = 0;
  bytes = 0;
  /** Counters at the last rate tick, for fps and bytes/s. */
  #tickSent = 0;
  #tickBytes = 0;
  #tickDrops = 0;
  /** Seconds in a row with frames offered and none taken (the socket stayed full). */
  stalledSeconds = 0;
  measuredFps = 0;
  bytesPerSec = 0;
  closed = false;
  /** The transport ended the connection while the client took no frame (its socket full): counted as stalled. */
  endedStalled = false;
  /** Tier this client is registered under in the fan-out. */
  registeredTier: number;
  /** True when the client did not ask for its own fps / quality: it follows the configured default live. */
  followsDefaultFps = false;
  followsDefaultQuality = false;

  constructor(remote: string, quality: number, fps: number, policy: QualityPolicy, sourceFps: number) {
    this.id = `${nextId++}`;
    this.remote = remote;
    this.quality = new AdaptiveQuality(quality, policy, performance.now());
    this.registeredTier = this.quality.tier;
    this.#halfSourceIntervalMs = sourceFps > 0 ? 500 / sourceFps : 0;
    this.fps = fps;
    this.setFps(fps);
  }

  setFps(fps: number): void {
    this.fps = fps;
    // Half a source interval of slack absorbs capture jitter, so a client at
    // the source's own rate gets every frame and one at a third gets every third.
    this.#minGapMs = Math.max(0, 1000 / fps - this.#halfSourceIntervalMs);
  }

  setSourceFps(sourceFps: number): void {
    this.#halfSourceIntervalMs = sourceFps > 0 ? 500 / sourceFps : 0;
    this.setFps(this.fps);
  }

  /** True while the previous frame is still in the transport's buffer. */
  protected abstract busy(): boolean;
  /** Hands the frame to the transport; returns bytes queued. */
  protected abstract send(frame: EncodedFrame): number;

  /**
   * Offers a freshly published frame. Returns the tier the client wants next
   * (the fan-out moves it when this differs from its registered tier).
   * Allocation-free: runs per frame per client.
   */
  offer(frame: EncodedFrame, now: number): number {
    if (frame.captureMs - this.#lastCaptureMs < this.#minGapMs) return this.quality.tier;
    if (this.busy()) {
      this.drops++;
      return this.quality.onDrop(now);
    }
    this.bytes += this.send(frame);
    this.sent++;
    this.#lastCaptureMs = frame.captureMs;
    return this.quality.onSent(now);
  }

  /** Called once a second: turns counters into rates. */
  tick(seconds: number): void {
    this.measuredFps = (this.sent - this.#tickSent) / seconds;
    this.bytesPerSec = (this.bytes - this.#tickBytes) / seconds;
    if (this.sent !== this.#tickSent) this.stalledSeconds = 0;
    else if (this.drops !== this.#tickDrops) this.stalledSeconds += seconds;
    this.#tickSent = this.sent;
    this.#tickBytes = this.bytes;
    this.#tickDrops = this.drops;
  }

  abstract close(code?: number, reason?: string): void;

  /** Drops the connection at once, without a goodbye the client would not read anyway. */
  abstract abort(): void;
}
