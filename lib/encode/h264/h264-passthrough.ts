// H.264 that arrives already encoded (a UVC/V4L2 camera's own H.264, an
// RTSP camera read by ffmpeg with -c:v copy) published like our encoder's
// output: same access-unit form (SPS/PPS before every IDR, no AUDs), same
// GOP cache, same AccessUnitSource interface, so the fan-out cannot tell.
// push() takes one access unit per call (a V4L2 buffer); pushStream() takes
// an Annex-B byte stream in arbitrary chunks and splits it.

import type { AccessUnit, AccessUnitListener, AccessUnitSource } from './access-unit.js';
import { AnnexBSplitter } from './annexb-splitter.js';
import { AuWriter, type AuMeta } from './au-writer.js';
import { GopCache } from './gop-cache.js';

export interface H264PassthroughOptions {
  /** Largest access unit accepted (default 4 MiB). */
  maxAuBytes?: number;
  gopCacheBytes?: number;
  gopCacheUnits?: number;
  /**
   * Asks the source for an IDR (e.g. V4L2_CID_MPEG_VIDEO_FORCE_KEY_FRAME);
   * absent: requests are counted and answered by the camera's own GOP.
   */
  forceKeyframe?: () => void;
  /** Keyframe requests closer together than this are refused (default 1000 ms). */
  keyframeMinIntervalMs?: number;
}

export interface H264PassthroughStats {
  units: number;
  keyframes: number;
  bytes: number;
  dropped: number;
  missing_parameter_sets: number;
  keyframe_requests: number;
  keyframe_requests_limited: number;
  gop_units: number;
  gop_overflows: number;
}

const epochMs = () => performance.timeOrigin + performance.now();

export class H264Passthrough implements AccessUnitSource {
  readonly #cache: GopCache;
  readonly #writer: AuWriter;
  readonly #splitter: AnnexBSplitter;
  readonly #listeners: AccessUnitListener[] = [];
  readonly #forceKeyframe: (() => void) | null;
  readonly #keyframeMinIntervalMs: number;
  /** Frame data for the next unit out of pushStream() (the stream carries none). */
  readonly #meta: AuMeta = { frameId: -1, captureMs: 0, readyMs: 0 };
  #lastKeyframeRequest = -Infinity;
  #requests = 0;
  #limited = 0;

  constructor(o: H264PassthroughOptions = {}) {
    this.#cache = new GopCache({ maxBytes: o.gopCacheBytes ?? 4 * 1024 * 1024, maxUnits: o.gopCacheUnits ?? 300 });
    this.#writer = new AuWriter(this.#cache);
    this.#splitter = new AnnexBSplitter(o.maxAuBytes ?? 4 * 1024 * 1024, (buf, s, e) => {
      this.#meta.readyMs = this.#meta.captureMs = epochMs();
      this.#publish(this.#writer.writeAnnexB(buf, s, e, this.#meta));
    });
    this.#forceKeyframe = o.forceKeyframe ?? null;
    this.#keyframeMinIntervalMs = o.keyframeMinIntervalMs ?? 1000;
  }

  /** One complete access unit in Annex-B form (a camera buffer). Copied into the GOP arena. */
  push(au: Uint8Array, frameId: number, captureMs: number): AccessUnit | null {
    const buf = Buffer.isBuffer(au) ? au : Buffer.from(au.buffer, au.byteOffset, au.byteLength);
    const m = this.#meta;
    m.frameId = frameId;
    m.captureMs = captureMs;
    m.readyMs = epochMs();
    const out = this.#writer.writeAnnexB(buf, 0, buf.length, m);
    this.#publish(out);
    return out;
  }

  /** Part of an Annex-B byte stream; units come out when the next one starts (frameId -1). */
  pushStream(chunk: Buffer): void {
    this.#meta.frameId = -1;
    this.#splitter.push(chunk);
  }

  /** The stream restarted (a new camera session): forget the GOP and any partial unit. */
  reset(): void {
    this.#splitter.reset();
    this.#cache.clear();
  }

  onAccessUnit(fn: AccessUnitListener): () => void {
    this.#listeners.push(fn);
    return () => {
      const i = this.#listeners.indexOf(fn);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  gop(): readonly AccessUnit[] {
    return this.#cache.units();
  }

  requestKeyframe(): boolean {
    const now = performance.now();
    if (now - this.#lastKeyframeRequest < this.#keyframeMinIntervalMs) {
      this.#limited++;
      return false;
    }
    this.#lastKeyframeRequest = now;
    this.#requests++;
    this.#forceKeyframe?.();
    return true;
  }

  stats(): H264PassthroughStats {
    const w = this.#writer.stats();
    const g = this.#cache.stats();
    return {
      units: w.units, keyframes: w.keyframes, bytes: w.bytes, dropped: w.dropped + this.#splitter.stats().oversized,
      missing_parameter_sets: w.missingParameterSets, keyframe_requests: this.#requests, keyframe_requests_limited: this.#limited,
      gop_units: g.units, gop_overflows: g.overflows,
    };
  }

  #publish(au: AccessUnit | null): void {
    if (!au) return;
    for (let i = 0; i < this.#listeners.length; i++) {
      try {
        this.#listeners[i](au);
      } catch {
        // one consumer's bug must not starve the others
      }
    }
  }
}
