// The hardware-encoder detection as the server runs it: once per process
// (the report is cached, so servers built in one process, as the tests do,
// share it), in the background so it never delays listening, within a time
// budget. The H.264 encoder waits for the selection before its first spawn
// (a peer in the first second waits that long); /status reads the state.

import type { HwReport } from './hw-report.js';
import { detectHwCapabilities, type DetectOptions } from './hw-capabilities.js';
import { selectH264Encoder, type H264EncoderSetting, type H264Selection } from './h264-selection.js';
import type { H264EncoderName } from '../h264/encoder-args.js';

export type DetectionState = 'detecting' | 'done' | 'failed';

export interface EncoderDetectionOptions extends DetectOptions {
  /** webrtc.encoder. */
  configured: H264EncoderSetting;
  /** Called once with the selection's warning, when there is one. */
  log?: (message: string) => void;
}

/** What /status shows. */
export interface EncoderDetectionSnapshot {
  state: DetectionState;
  report: HwReport | null;
  /** Null while detecting. */
  h264: H264Selection | null;
  /** Why detection failed (state failed). */
  error: string | null;
}

/**
 * Reports by detection options: at most a handful of distinct keys per process
 * (one per ffmpeg path / WebRTC on or off), so the map stays tiny.
 */
const cache = new Map<string, Promise<HwReport>>();
/** Bound on `cache`: beyond it (tests with many option sets) the oldest entry is forgotten. */
const CACHE_MAX = 8;

function cacheKey(o: DetectOptions): string {
  return JSON.stringify([o.root ?? '/', o.ffmpegPath ?? 'ffmpeg', o.gstLaunchPath, o.gstInspectPath, o.trial ?? true, o.arch, o.h264 ?? true,
    o.timeoutMs, o.budgetMs]);
}

/** The cached report for `o`, detecting on the first call. A rejected run is not cached. */
export function detectOnce(o: DetectOptions): Promise<HwReport> {
  const key = cacheKey(o);
  let p = cache.get(key);
  if (!p) {
    p = detectHwCapabilities(o);
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

export class EncoderDetection {
  /** detecting until the report (or its failure) is in. */
  #state: DetectionState = 'detecting';
  /** The report, once in. */
  #report: HwReport | null = null;
  /** The H.264 choice, once the report (or failure) is in. */
  #h264: H264Selection | null = null;
  /** Why detection failed. */
  #error: string | null = null;
  /** Settles with the selection; never rejects. */
  readonly #selected: Promise<H264Selection>;
  /** Whether anything encodes H.264 (WebRTC or a restream target); false: JPEG candidates only. */
  readonly encodesH264: boolean;

  /** Starts detecting at once (or takes the process's cached report). */
  constructor(o: EncoderDetectionOptions) {
    const { configured, log, ...detect } = o;
    this.encodesH264 = detect.h264 !== false;
    this.#selected = detectOnce(detect).then(
      (report) => {
        this.#report = report;
        this.#state = 'done';
        if (detect.h264 === false) return { configured, selected: 'libx264' as const, warning: null, reason: 'no H.264 encode (WebRTC off, no restream target)' };
        return selectH264Encoder(configured, report.h264);
      },
      (err: unknown) => {
        this.#error = err instanceof Error ? err.message : String(err);
        this.#state = 'failed';
        return selectH264Encoder(configured, null, `detection failed: ${this.#error}`);
      },
    ).then((sel) => {
      this.#h264 = sel;
      if (sel.warning) log?.(sel.warning);
      return sel;
    });
  }

  /** The H.264 encoder to run; resolves once detection is over (within its budget). */
  async h264Encoder(): Promise<H264EncoderName> {
    return (await this.#selected).selected;
  }

  /** Resolves when detection is over. */
  async settled(): Promise<H264Selection> {
    return this.#selected;
  }

  snapshot(): EncoderDetectionSnapshot {
    return { state: this.#state, report: this.#report, h264: this.#h264, error: this.#error };
  }
}
