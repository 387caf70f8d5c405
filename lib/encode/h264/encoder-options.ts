// Options of the H.264 encoder: defaults and validation, decided once at
// construction.

import { ENCODER_NAMES, RAW_PIXEL_FORMATS, type H264EncoderName, type OutputFraming, type RawPixelFormat } from './encoder-args.js';
import { EncoderError } from './encoder-errors.js';
import type { H264Profile } from './h264-level.js';

export interface H264EncoderOptions {
  width: number;
  height: number;
  /** Input (and output) frame rate. */
  fps: number;
  /** Layout of the frames given to push() (default rgb24). */
  pixelFormat?: RawPixelFormat;
  /** webrtc.encoder (default libx264); auto runs libx264 unless encoderChoice says otherwise. */
  encoder?: H264EncoderName | 'auto';
  /**
   * The hardware detection's choice: spawns wait until it settles, then run
   * that encoder instead of `encoder` (a rejection keeps `encoder`).
   */
  encoderChoice?: Promise<H264EncoderName>;
  /** Target bitrate (default 1000 kbit/s). */
  bitrateKbps?: number;
  /** Frames from one IDR to the next (default fps: one a second, the longest a PLI waits). */
  gop?: number;
  /** Default baseline: what every browser decodes (Debian's Chromium does not decode High). */
  profile?: H264Profile;
  /** Default flv: access units are complete when their last byte arrives (annexb: one frame later). */
  framing?: OutputFraming;
  /** "ffmpeg" (looked up on PATH, default) or a path. */
  ffmpegPath?: string;
  /** DRM render node for h264_vaapi (default /dev/dri/renderD128). */
  vaapiDevice?: string;
  /** GOP arena bytes (default 4 MiB) and access units (default 300). */
  gopCacheBytes?: number;
  gopCacheUnits?: number;
  /** Keyframe requests closer together than this are refused (default 1000 ms). */
  keyframeMinIntervalMs?: number;
  /** Restart backoff: first delay and cap (default 1000 and 10000 ms). */
  restartMinMs?: number;
  restartMaxMs?: number;
  /** No output for this long while frames are offered: ffmpeg is killed and restarted (default 5000 ms). */
  stallTimeoutMs?: number;
  /** Warnings (setpriv missing, ffmpeg's last words on a crash). Default: the log (component h264). */
  log?: (message: string) => void;
}

export type ResolvedEncoderOptions = Required<Omit<H264EncoderOptions, 'log' | 'encoderChoice' | 'encoder'>> & { encoder: H264EncoderName };

/** Defaults filled in, every value checked (SKYFEED_ERR_ENCODER_CONFIG naming the option). */
export function resolveEncoderOptions(o: H264EncoderOptions): ResolvedEncoderOptions {
  const bad = (msg: string) => new EncoderError('SKYFEED_ERR_ENCODER_CONFIG', msg);
  const int = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) throw bad(`h264 ${name} must be an integer in ${min}..${max} (got ${v})`);
    return v;
  };
  int('width', o.width, 16, 8192);
  int('height', o.height, 16, 8192);
  if (o.width % 2 || o.height % 2) throw bad(`h264 width and height must be even (got ${o.width}x${o.height})`);
  int('fps', o.fps, 1, 240);
  const r = {
    width: o.width, height: o.height, fps: o.fps,
    pixelFormat: o.pixelFormat ?? 'rgb24',
    encoder: !o.encoder || o.encoder === 'auto' ? 'libx264' as const : o.encoder,
    bitrateKbps: o.bitrateKbps ?? 1000,
    gop: o.gop ?? o.fps,
    profile: o.profile ?? 'baseline',
    framing: o.framing ?? 'flv',
    ffmpegPath: o.ffmpegPath ?? 'ffmpeg',
    vaapiDevice: o.vaapiDevice ?? '/dev/dri/renderD128',
    gopCacheBytes: o.gopCacheBytes ?? 4 * 1024 * 1024,
    gopCacheUnits: o.gopCacheUnits ?? 300,
    keyframeMinIntervalMs: o.keyframeMinIntervalMs ?? 1000,
    restartMinMs: o.restartMinMs ?? 1000,
    restartMaxMs: o.restartMaxMs ?? 10_000,
    stallTimeoutMs: o.stallTimeoutMs ?? 5000,
  };
  if (!RAW_PIXEL_FORMATS.includes(r.pixelFormat)) throw bad(`h264 pixelFormat must be one of ${RAW_PIXEL_FORMATS.join(', ')}`);
  if (!ENCODER_NAMES.includes(r.encoder)) throw bad(`webrtc.encoder must be one of ${ENCODER_NAMES.join(', ')} (got ${r.encoder})`);
  if (r.profile !== 'baseline' && r.profile !== 'main') throw bad(`h264 profile must be baseline or main (got ${r.profile})`);
  if (r.framing !== 'flv' && r.framing !== 'annexb') throw bad(`h264 framing must be flv or annexb (got ${r.framing})`);
  int('bitrateKbps', r.bitrateKbps, 50, 100_000);
  int('gop', r.gop, 1, 1000);
  int('gopCacheUnits', r.gopCacheUnits, 1, 10_000);
  int('gopCacheBytes', r.gopCacheBytes, 1024, 256 * 1024 * 1024);
  int('keyframeMinIntervalMs', r.keyframeMinIntervalMs, 0, 60_000);
  int('restartMinMs', r.restartMinMs, 1, 60_000);
  int('restartMaxMs', r.restartMaxMs, r.restartMinMs, 600_000);
  int('stallTimeoutMs', r.stallTimeoutMs, 100, 600_000);
  return r;
}
