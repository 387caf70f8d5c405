// One ffmpeg process encoding the stream to H.264, shared by every consumer.
// Raw frames go in on stdin, one at a time: while ffmpeg's stdin still holds
// the previous frame a new one is skipped (newest wins, counted), so nothing
// queues. Access units come out on stdout (FLV-framed by default), are
// matched in order to the frames that went in, normalised into the GOP arena
// and handed to the listeners. A dying or stalled ffmpeg is restarted with
// backoff (1 s doubling to 10 s); everything is visible in stats().

import type { ChildProcess } from 'node:child_process';
import type { AccessUnit, AccessUnitListener, AccessUnitSource } from './access-unit.js';
import { AnnexBSplitter } from './annexb-splitter.js';
import { AuWriter, type AuMeta } from './au-writer.js';
import { ENCODER_NAMES, encoderArgs, rawFrameBytes, type H264EncoderName } from './encoder-args.js';
import { resolveEncoderOptions, type H264EncoderOptions, type ResolvedEncoderOptions } from './encoder-options.js';
import { FlvReader, parseAvcConfig, type FlvVideoTag } from './flv-reader.js';
import { GopCache } from './gop-cache.js';
import { resolveFfmpeg, spawnFfmpeg } from './spawn-ffmpeg.js';
import { logger } from '../../util/log.js';

export type { H264EncoderOptions } from './encoder-options.js';

export type EncoderState = 'stopped' | 'running' | 'restarting';

export interface H264EncoderStats {
  state: EncoderState;
  encoder: H264EncoderName;
  pid: number | null;
  /** Access units per second and kbit/s over the last second. */
  fps: number;
  kbps: number;
  frames_in: number;
  /** Frames not taken because ffmpeg's stdin still held the previous one. */
  skipped_busy: number;
  /** Frames offered while no encoder process was running. */
  skipped_not_running: number;
  /** Frames of the wrong size, refused. */
  bad_frames: number;
  units: number;
  keyframes: number;
  bytes: number;
  /** Access units that could not be matched to an input frame (frameId -1). */
  unmatched: number;
  /** Access units dropped: larger than the GOP arena / parser buffer, or malformed. */
  dropped: number;
  restarts: number;
  /** Restarts because ffmpeg produced nothing for stallTimeoutMs while frames were offered. */
  stalls: number;
  keyframe_requests: number;
  keyframe_requests_limited: number;
  /** push() to access unit out, last and smoothed (EWMA, 1/16), ms. */
  encode_ms: number;
  encode_ms_avg: number;
  gop_units: number;
  gop_bytes: number;
  gop_overflows: number;
  uptime_s: number;
  last_error: string | null;
  warning: string | null;
}

/** ffmpeg's last words kept for the error message; bounded. */
const STDERR_KEEP = 2048;
/**
 * Frames written whose access unit has not come out yet. libx264 with
 * zerolatency keeps none back, so more than a couple means a stuck encoder;
 * 64 (2 s at 30 fps) bounds the table and the stall watchdog acts first.
 */
const PENDING_MAX = 64;
const KILL_AFTER_MS = 1000;
/** A process that ran this long resets the restart backoff. */
const STABLE_AFTER_MS = 10_000;

const epochMs = () => performance.timeOrigin + performance.now();

export class H264Encoder implements AccessUnitSource {
  readonly #o: ResolvedEncoderOptions;
  readonly #log: (message: string) => void;
  readonly #frameBytes: number;
  /** The frame being written to stdin: push() copies into it (the caller's view is a ring slot). */
  readonly #inbuf: Buffer;
  readonly #cache: GopCache;
  readonly #writer: AuWriter;
  /** Reads ffmpeg's stdout: the FLV reader or the Annex-B splitter, per `framing` (only that one is allocated). */
  readonly #framer: FlvReader | AnnexBSplitter;
  readonly #listeners: AccessUnitListener[] = [];
  /** Pending input frames, a fixed ring: input index, frameId, captureMs, push time. */
  readonly #pIndex = new Float64Array(PENDING_MAX);
  readonly #pFrameId = new Float64Array(PENDING_MAX);
  readonly #pCapture = new Float64Array(PENDING_MAX);
  readonly #pPushed = new Float64Array(PENDING_MAX);
  #pHead = 0;
  #pCount = 0;
  /** Reused for every access unit's frame data. */
  readonly #meta: AuMeta = { frameId: -1, captureMs: 0, readyMs: 0 };
  #wanted = false;
  #proc: ChildProcess | null = null;
  /** Bumped per spawned process, so a dead process's late callbacks change nothing. */
  #generation = 0;
  #writing = false;
  /** Input frames written to the current process (its pts). */
  #inputIndex = 0;
  #startedAt = 0;
  #lastOutputAt = 0;
  #lastOfferAt = 0;
  #backoffMs: number;
  #restartTimer: NodeJS.Timeout | null = null;
  #ticker: NodeJS.Timeout | null = null;
  #exited: Promise<void> = Promise.resolve();
  #stderr = '';
  #lastKeyframeRequest = -Infinity;
  #closed = false;
  /** Pending while options.encoderChoice has not settled; spawns wait for it. */
  #choice: Promise<void> | null = null;
  /** Counters for the last full second (fps, kbps). */
  #tickUnits = 0;
  #tickBytes = 0;
  #tickAt = 0;
  #stats: H264EncoderStats;

  constructor(options: H264EncoderOptions) {
    this.#o = resolveEncoderOptions(options);
    this.#log = options.log ?? ((m) => logger('h264').warn(m));
    this.#frameBytes = rawFrameBytes(this.#o.pixelFormat, this.#o.width, this.#o.height);
    this.#inbuf = Buffer.allocUnsafe(this.#frameBytes);
    this.#backoffMs = this.#o.restartMinMs;
    this.#cache = new GopCache({ maxBytes: this.#o.gopCacheBytes, maxUnits: this.#o.gopCacheUnits });
    this.#writer = new AuWriter(this.#cache);
    // An access unit cannot sensibly exceed the raw 4:2:0 picture (I_PCM
    // worst case) plus headers: that bounds the parser's buffer.
    const maxAu = Math.ceil(this.#o.width * this.#o.height * 1.5) + 65536;
    this.#framer = this.#o.framing === 'flv'
      ? new FlvReader(maxAu, {
        config: (buf, s, e) => {
          const cfg = parseAvcConfig(buf, s, e);
          if (cfg) this.#writer.setParameterSets(cfg.sps, cfg.pps);
        },
        unit: (buf, s, e, tag) => this.#onFlvUnit(buf, s, e, tag),
        error: (message) => this.#fail(message),
      })
      : new AnnexBSplitter(maxAu, (buf, s, e) => this.#onAnnexBUnit(buf, s, e));
    this.#stats = {
      state: 'stopped', encoder: this.#o.encoder, pid: null, fps: 0, kbps: 0, frames_in: 0, skipped_busy: 0,
      skipped_not_running: 0, bad_frames: 0, units: 0, keyframes: 0, bytes: 0, unmatched: 0, dropped: 0,
      restarts: 0, stalls: 0, keyframe_requests: 0, keyframe_requests_limited: 0, encode_ms: 0, encode_ms_avg: 0,
      gop_units: 0, gop_bytes: 0, gop_overflows: 0, uptime_s: 0, last_error: null, warning: null,
    };
    if (options.encoderChoice) {
      this.#choice = options.encoderChoice.then(
        (name) => {
          if (!ENCODER_NAMES.includes(name)) throw new Error(`unknown encoder ${String(name)}`);
          this.#o.encoder = this.#stats.encoder = name;
        },
      ).catch((err: unknown) => this.#log(`encoder choice failed (${err instanceof Error ? err.message : err}); running ${this.#o.encoder}`))
        .finally(() => {
          this.#choice = null;
        });
    }
  }

  /** Bytes push() expects per frame. */
  get frameBytes(): number {
    return this.#frameBytes;
  }

  /** The ffmpeg process id while one runs. */
  get pid(): number | undefined {
    return this.#proc?.pid;
  }

  get state(): EncoderState {
    return this.#stats.state;
  }

  /** Starts encoding (idempotent). Failures are not thrown: they show in stats() and are retried with backoff. */
  start(): void {
    if (this.#closed || this.#wanted) return;
    this.#wanted = true;
    this.#backoffMs = this.#o.restartMinMs;
    this.#ticker = setInterval(() => this.#tick(), 1000);
    this.#ticker.unref();
    this.#tickAt = performance.now();
    this.#spawn();
  }

  /** Stops the process (idempotent); resolves once it has exited. */
  async stop(): Promise<void> {
    this.#wanted = false;
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#restartTimer = null;
    if (this.#ticker) clearInterval(this.#ticker);
    this.#ticker = null;
    this.#stats.state = 'stopped';
    this.#stats.fps = this.#stats.kbps = 0;
    const proc = this.#proc;
    this.#detach();
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      // ffmpeg blocked reading stdin ignores SIGTERM; end of input lets it flush and exit at once.
      proc.stdin?.end();
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), KILL_AFTER_MS);
      await this.#exited;
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.stop();
    this.#listeners.length = 0;
  }

  /**
   * Offers one raw frame. Copies it (the view may point into a ring slot the
   * camera overwrites) and returns true, or returns false without waiting:
   * no process, a frame of the wrong size, or stdin still busy with the
   * previous frame (newest wins: the caller just offers the next one).
   * `decorate` draws on the copy (in the encoder's pixel format) before it is
   * written: an OSD reaches the stream without touching the caller's frame.
   */
  push(frame: Uint8Array, frameId: number, captureMs: number, decorate?: (copy: Buffer) => void): boolean {
    const now = performance.now();
    // Frames resume after a gap (no peer, camera outage): the watchdog's
    // clock starts now, not at the last output before the gap.
    if (now - this.#lastOfferAt > this.#o.stallTimeoutMs) this.#lastOutputAt = now;
    this.#lastOfferAt = now;
    const proc = this.#proc;
    if (!proc || this.#stats.state !== 'running') {
      this.#stats.skipped_not_running++;
      return false;
    }
    if (frame.length !== this.#frameBytes) {
      this.#stats.bad_frames++;
      return false;
    }
    if (this.#writing) {
      this.#stats.skipped_busy++;
      return false;
    }
    this.#inbuf.set(frame);
    decorate?.(this.#inbuf);
    if (this.#pCount === PENDING_MAX) {
      // The encoder keeps more frames back than any supported one should: the
      // oldest is written off (its AU, if it ever comes, goes unmatched).
      this.#pHead = (this.#pHead + 1) % PENDING_MAX;
      this.#pCount--;
    }
    const slot = (this.#pHead + this.#pCount) % PENDING_MAX;
    this.#pIndex[slot] = this.#inputIndex++;
    this.#pFrameId[slot] = frameId;
    this.#pCapture[slot] = captureMs;
    this.#pPushed[slot] = this.#lastOfferAt;
    this.#pCount++;
    this.#writing = true;
    this.#stats.frames_in++;
    proc.stdin!.write(this.#inbuf, this.#onWritten);
    return true;
  }

  /** Set per process in #spawn (a dead process's callback must not clear the new one's flag). */
  #onWritten: (err?: Error | null) => void = () => {};

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

  /**
   * A receiver lost its reference picture (PLI/FIR). ffmpeg's command line
   * offers no way to force an IDR into a running raw-video encode
   * (`-force_key_frames source` marks every raw frame a keyframe; `expr:`
   * sees no outside input), so the request is answered by the next scheduled
   * IDR, at most one GOP (default 1 s) away. Counted, and rate-limited so a
   * storm of PLIs shows as refused requests rather than as noise.
   */
  requestKeyframe(): boolean {
    const now = performance.now();
    if (now - this.#lastKeyframeRequest < this.#o.keyframeMinIntervalMs) {
      this.#stats.keyframe_requests_limited++;
      return false;
    }
    this.#lastKeyframeRequest = now;
    this.#stats.keyframe_requests++;
    return true;
  }

  stats(): H264EncoderStats {
    const s = this.#stats;
    const g = this.#cache.stats();
    const w = this.#writer.stats();
    s.pid = this.#proc?.pid ?? null;
    s.units = w.units;
    s.keyframes = w.keyframes;
    s.bytes = w.bytes;
    s.dropped = w.dropped + this.#framer.stats().oversized;
    s.gop_units = g.units;
    s.gop_bytes = g.bytes;
    s.gop_overflows = g.overflows;
    s.uptime_s = this.#proc && s.state === 'running' ? Math.round((performance.now() - this.#startedAt) / 100) / 10 : 0;
    return { ...s };
  }

  #spawn(): void {
    this.#restartTimer = null;
    if (!this.#wanted) return;
    if (this.#choice) {
      // The encoder is not chosen yet (the detection's first second or so): spawn once it is, unless stopped meanwhile.
      const generation = this.#generation;
      void this.#choice.then(() => {
        if (generation === this.#generation && this.#wanted && !this.#proc && !this.#restartTimer) this.#spawn();
      });
      return;
    }
    let ffmpeg: string;
    try {
      ffmpeg = resolveFfmpeg(this.#o.ffmpegPath);
    } catch (e) {
      this.#fail((e as Error).message);
      return;
    }
    const { proc, warning } = spawnFfmpeg(ffmpeg, encoderArgs(this.#o));
    if (warning && !this.#stats.warning) this.#log(warning);
    this.#stats.warning = warning;
    const generation = ++this.#generation;
    this.#proc = proc;
    this.#writing = false;
    this.#inputIndex = 0;
    this.#pCount = 0;
    this.#stderr = '';
    this.#framer.reset();
    this.#cache.clear();
    this.#startedAt = this.#lastOutputAt = performance.now();
    this.#stats.state = 'running';
    this.#onWritten = () => {
      if (generation === this.#generation) this.#writing = false;
    };
    this.#exited = new Promise((resolve) => proc.once('close', () => resolve()));
    const framer = this.#framer;
    proc.stdout!.on('data', (chunk: Buffer) => {
      if (generation === this.#generation) framer.push(chunk);
    });
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (d: string) => {
      this.#stderr = (this.#stderr + d).slice(-STDERR_KEEP);
    });
    // EPIPE when ffmpeg dies mid-write: the exit handler deals with it.
    proc.stdin!.on('error', () => {});
    proc.once('error', (err) => {
      if (generation === this.#generation) this.#died(`cannot start ${ffmpeg}: ${err.message}`);
    });
    proc.once('exit', (code, signal) => {
      if (generation !== this.#generation) return;
      // No flush: a unit cut short by a crash is not one.
      const why = signal ? `killed by ${signal}` : `exited with code ${code}`;
      const last = this.#stderr.trim().split('\n').pop() ?? '';
      this.#died(`ffmpeg ${why}${last ? `: ${last}` : ''}`);
    });
  }

  /** The process is gone (or never started): restart after the backoff. */
  #died(message: string): void {
    const ranMs = performance.now() - this.#startedAt;
    this.#detach();
    if (!this.#wanted) return;
    this.#stats.restarts++;
    this.#fail(message, ranMs >= STABLE_AFTER_MS);
  }

  #fail(message: string, stable = false): void {
    this.#stats.last_error = message;
    this.#log(message);
    if (this.#proc) {
      // The output is unusable (not FLV): end this process; its exit restarts.
      this.#proc.kill('SIGKILL');
      return;
    }
    if (!this.#wanted) return;
    if (stable) this.#backoffMs = this.#o.restartMinMs;
    this.#stats.state = 'restarting';
    this.#restartTimer = setTimeout(() => this.#spawn(), this.#backoffMs);
    this.#restartTimer.unref();
    this.#backoffMs = Math.min(this.#o.restartMaxMs, this.#backoffMs * 2);
  }

  #detach(): void {
    this.#generation++;
    // The next process starts a new stream with its own IDR: joiners must not get this one's GOP.
    this.#cache.clear();
    this.#proc = null;
    this.#writing = false;
    this.#pCount = 0;
  }

  #tick(): void {
    const now = performance.now();
    const dt = (now - this.#tickAt) / 1000;
    const w = this.#writer.stats();
    if (dt > 0) {
      this.#stats.fps = Math.round(((w.units - this.#tickUnits) / dt) * 10) / 10;
      this.#stats.kbps = Math.round(((w.bytes - this.#tickBytes) * 8) / 1000 / dt);
    }
    this.#tickUnits = w.units;
    this.#tickBytes = w.bytes;
    this.#tickAt = now;
    // Watchdog: frames are being offered but nothing has come out for a while.
    const proc = this.#proc;
    if (proc && now - this.#lastOutputAt > this.#o.stallTimeoutMs && now - this.#lastOfferAt < this.#o.stallTimeoutMs) {
      this.#stats.stalls++;
      this.#stats.last_error = `no output for ${this.#o.stallTimeoutMs} ms while frames were offered: killed`;
      proc.kill('SIGKILL');
    }
  }

  #onFlvUnit(buf: Buffer, start: number, end: number, tag: FlvVideoTag): void {
    // The tag's timestamp is the input frame's pts (frame index / fps, in ms).
    this.#match(Math.round((tag.timestampMs * this.#o.fps) / 1000));
    this.#publish(this.#writer.writeAvcc(buf, start, end, 4, this.#meta));
  }

  #onAnnexBUnit(buf: Buffer, start: number, end: number): void {
    this.#match(-1);
    this.#publish(this.#writer.writeAnnexB(buf, start, end, this.#meta));
  }

  /** Fills #meta from the pending frame with input index `index` (-1: the oldest). */
  #match(index: number): void {
    const now = epochMs();
    const m = this.#meta;
    m.readyMs = now;
    m.frameId = -1;
    m.captureMs = now;
    // Frames older than `index` produced no output of their own: written off.
    while (this.#pCount > 0 && index >= 0 && this.#pIndex[this.#pHead] < index) this.#shiftPending();
    if (this.#pCount > 0 && (index < 0 || this.#pIndex[this.#pHead] === index)) {
      const h = this.#pHead;
      m.frameId = this.#pFrameId[h];
      m.captureMs = this.#pCapture[h];
      const ms = performance.now() - this.#pPushed[h];
      this.#stats.encode_ms = Math.round(ms * 100) / 100;
      this.#stats.encode_ms_avg = Math.round((this.#stats.encode_ms_avg + (ms - this.#stats.encode_ms_avg) / 16) * 100) / 100;
      this.#shiftPending();
    } else {
      this.#stats.unmatched++;
    }
  }

  #shiftPending(): void {
    this.#pHead = (this.#pHead + 1) % PENDING_MAX;
    this.#pCount--;
  }

  #publish(au: AccessUnit | null): void {
    this.#lastOutputAt = performance.now();
    if (!au) return;
    for (let i = 0; i < this.#listeners.length; i++) {
      try {
        this.#listeners[i](au);
      } catch (e) {
        // One consumer's bug must not starve the others or kill the encoder.
        this.#stats.last_error = `access unit listener threw: ${(e as Error).message}`;
      }
    }
  }
}
