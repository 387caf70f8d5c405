// The video source, owned in one place: started at boot, replaced when the
// capture rate changes, reconnected on request, and reported as the
// contract's health object. Source swaps share one lock: two at once would
// leak a running source.

import type { FrameBus } from '../bus/frame-bus.js';
import { RECONNECT_WAIT_MS, type FrameSource } from '../capture/source.js';
import { videoHealthBody, type VideoHealth } from '../capture/video-health.js';
import { Mutex } from '../util/mutex.js';

export interface VideoServiceOptions {
  bus: FrameBus;
  /** A new source as the running configuration describes it. */
  makeSource(): FrameSource;
  /** The capture rate asked for, and the one the engine measures. */
  requestedFps(): number;
  measuredFps(): number;
  /** Logs state changes (stderr in the server). */
  log?(line: string): void;
}

export interface ReconnectResult {
  ok: boolean;
  message: string;
  video: VideoHealth;
}

/** How often a reconnect looks for the new source's first frame. */
const POLL_MS = 25;

export class VideoService {
  readonly #o: VideoServiceOptions;
  /** The running source; null before start, while being replaced, and after close. */
  #source: FrameSource | null = null;
  readonly #lock = new Mutex();
  #closed = false;

  constructor(o: VideoServiceOptions) {
    this.#o = o;
  }

  get source(): FrameSource | null {
    return this.#source;
  }

  /**
   * Opens the configured source. A source that cannot start leaves the
   * server up without video (v4l2/ffmpeg never reject here: they show NO
   * SIGNAL and reconnect by themselves).
   */
  start(): Promise<void> {
    return this.#lock.run(async () => {
      await this.#open(this.#o.makeSource()).catch((err: Error) => {
        this.#o.log?.(`video source failed to start (${err.message}); serving without video`);
      });
    });
  }

  /** Replaces the source with a fresh one from the running configuration (e.g. a new fps); streams stay open. */
  restart(): Promise<void> {
    return this.#lock.run(async () => {
      await this.#closeSource();
      await this.#open(this.#o.makeSource());
    });
  }

  /** Forces a reconnection; true once a new frame arrived within RECONNECT_WAIT_MS. */
  reconnect(): Promise<ReconnectResult> {
    return this.#lock.run(async () => {
      const ok = await this.#reconnect();
      return { ok, message: ok ? 'Video source reconnected' : 'Video source still down after the reconnect attempt', video: this.health() };
    });
  }

  async #reconnect(): Promise<boolean> {
    // A self-healing source (v4l2, ffmpeg) knows how to retry in place.
    const current = this.#source;
    if (current?.reconnect) return current.reconnect();
    await this.#closeSource();
    const fresh = this.#o.makeSource();
    try {
      await this.#open(fresh);
    } catch {
      return false; // the source's health carries the error
    }
    // Count only the new source's frames: the old one may deliver while closing.
    const deadline = Date.now() + RECONNECT_WAIT_MS;
    while (fresh.health().frames === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, POLL_MS));
    return fresh.health().frames > 0;
  }

  /** True once the source delivered a live frame (NO SIGNAL frames do not count): commands need one. */
  hasLiveFrame(): boolean {
    return (this.#source?.health().frames ?? 0) > 0;
  }

  health(): VideoHealth {
    return videoHealthBody(this.#source, this.#o.requestedFps(), this.#o.measuredFps());
  }

  async #open(source: FrameSource): Promise<void> {
    if (this.#closed) return;
    this.#source = source;
    await source.open(this.#o.bus.ring, this.#o.bus.sink);
  }

  async #closeSource(): Promise<void> {
    const old = this.#source;
    this.#source = null;
    if (old) await old.close();
  }

  /** Stops the source. Idempotent. */
  close(): Promise<void> {
    this.#closed = true;
    return this.#closeSource();
  }
}
