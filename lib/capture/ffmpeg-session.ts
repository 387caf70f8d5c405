// One ffmpeg process as a live session: frames are read from its stdout on
// the main thread (a memcpy per chunk into the ring slot; ffmpeg does the
// decoding in its own process) and the session is lost when ffmpeg exits.

import type { ChildProcess } from 'node:child_process';
import { findExecutable, spawnTied } from '../util/spawn-tied.js';
import type { RawRing } from '../bus/raw-ring.js';
import { PixelFormat } from '../bus/raw-ring.js';
import { SourceUnavailable, type LiveSession, type SessionEvents } from './live-session.js';
import { ffmpegArgs, type FfmpegArgsOptions } from './ffmpeg-args.js';
import { JpegSplitter } from './jpeg-splitter.js';

export interface FfmpegSessionOptions extends FfmpegArgsOptions {
  /** The ffmpeg binary (default "ffmpeg" on PATH). */
  ffmpegPath: string;
}

/** ffmpeg's last words kept for the error message; bounded. */
const STDERR_KEEP = 2048;
const KILL_AFTER_MS = 1000;

const epochMs = () => performance.timeOrigin + performance.now();

function notFound(ffmpegPath: string): SourceUnavailable {
  return new SourceUnavailable(`ffmpeg not found (${ffmpegPath}): install it (Debian: apt-get install ffmpeg) or set source.ffmpeg_path`);
}

export class FfmpegSession implements LiveSession {
  readonly #o: FfmpegSessionOptions;
  #proc: ChildProcess | null = null;
  #stopping = false;
  #exited: Promise<void> = Promise.resolve();
  #stderr = '';

  constructor(o: FfmpegSessionOptions) {
    this.#o = o;
  }

  describe(): string {
    const o = this.#o;
    return `${o.output} ${o.width}x${o.height}@${o.fps || 'native'} from ${o.input}`;
  }

  /** The ffmpeg process id while running (tests kill it to simulate a crash). */
  get pid(): number | undefined {
    return this.#proc?.pid;
  }

  start(ring: RawRing, events: SessionEvents): Promise<void> {
    const o = this.#o;
    const exe = findExecutable(o.ffmpegPath);
    if (!exe) return Promise.reject(notFound(o.ffmpegPath));
    // Tied to this process: an ffmpeg with an idle input would otherwise
    // outlive a killed server and keep its port.
    const proc = spawnTied(exe, ffmpegArgs(o), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#proc = proc;
    this.#exited = new Promise((r) => proc.once('close', () => r()));
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (d: string) => {
      this.#stderr = (this.#stderr + d).slice(-STDERR_KEEP);
    });
    this.#wireFrames(proc, ring, events);
    return new Promise((resolve, reject) => {
      proc.once('spawn', () => {
        proc.once('exit', (code, signal) => {
          if (this.#stopping) return;
          const why = signal ? `killed by ${signal}` : `exited with code ${code}`;
          const last = this.#stderr.trim().split('\n').pop() ?? '';
          events.lost(new Error(`ffmpeg ${why}${last ? `: ${last}` : ''}`));
        });
        resolve();
      });
      proc.once('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') reject(notFound(o.ffmpegPath));
        else reject(new Error(`cannot start ffmpeg: ${err.message}`));
      });
    });
  }

  #wireFrames(proc: ChildProcess, ring: RawRing, events: SessionEvents): void {
    let seq = (ring.latestSeq() + 1) & 0x7fffffff;
    const o = this.#o;
    if (o.output === 'mjpeg') {
      const splitter = new JpegSplitter(ring.slotBytes, (jpeg) => {
        if (this.#stopping) return;
        const out = ring.beginWrite(seq);
        jpeg.copy(out);
        ring.commitWrite(seq, jpeg.length, PixelFormat.JPEG, epochMs());
        events.frame(seq);
        seq = (seq + 1) & 0x7fffffff;
      });
      proc.stdout!.on('data', (chunk: Buffer) => {
        if (!this.#stopping) splitter.push(chunk);
      });
      return;
    }
    // Raw frames have a fixed size: fill the ring slot straight from the pipe.
    const format = o.output === 'yuyv' ? PixelFormat.YUYV : PixelFormat.RGB24;
    const frameBytes = o.width * o.height * (o.output === 'yuyv' ? 2 : 3);
    let filled = 0;
    let out: Buffer | null = null;
    proc.stdout!.on('data', (chunk: Buffer) => {
      let off = 0;
      while (off < chunk.length && !this.#stopping) {
        if (!out) out = ring.beginWrite(seq);
        const n = Math.min(frameBytes - filled, chunk.length - off);
        chunk.copy(out, filled, off, off + n);
        filled += n;
        off += n;
        if (filled === frameBytes) {
          ring.commitWrite(seq, frameBytes, format, epochMs());
          events.frame(seq);
          seq = (seq + 1) & 0x7fffffff;
          filled = 0;
          out = null;
        }
      }
    });
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    const proc = this.#proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), KILL_AFTER_MS);
    await this.#exited;
    clearTimeout(timer);
  }
}
