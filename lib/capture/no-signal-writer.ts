// While a live source is down, writes a NO SIGNAL frame (with the time since
// the loss) into the raw ring at a low rate, so viewers keep their stream
// and switch back to live frames on the same connection when the source
// recovers. Exactly one writer touches the ring at a time: this one between
// sessions, the session otherwise (ResilientSource enforces it).

import { PixelFormat, type RawRing } from '../bus/raw-ring.js';
import { NoSignalFrame } from './no-signal.js';
import type { FrameSink } from './source.js';

/** What the placeholder says: since when the signal is gone, and the detail line. */
export interface NoSignalText {
  lostAt: number;
  detail: string;
}

const now = () => performance.timeOrigin + performance.now();

export class NoSignalWriter {
  readonly #ring: RawRing;
  readonly #sink: FrameSink;
  readonly #frame: NoSignalFrame;
  readonly #intervalMs: number;
  readonly #text: (t: number) => NoSignalText;
  #timer: NodeJS.Timeout | null = null;

  /** `text` is asked at each frame, so the countdown it shows stays current. */
  constructor(ring: RawRing, sink: FrameSink, fps: number, text: (t: number) => NoSignalText) {
    this.#ring = ring;
    this.#sink = sink;
    this.#frame = new NoSignalFrame(ring.width, ring.height);
    this.#intervalMs = Math.round(1000 / Math.max(1, fps));
    this.#text = text;
  }

  get running(): boolean {
    return this.#timer !== null;
  }

  /** Writes one frame now, then one per interval until stop(). Idempotent. */
  start(): void {
    if (this.#timer) return;
    this.#write();
    this.#timer = setInterval(() => this.#write(), this.#intervalMs);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #write(): void {
    const ring = this.#ring;
    const t = now();
    const { lostAt, detail } = this.#text(t);
    const seq = (ring.latestSeq() + 1) & 0x7fffffff;
    const out = ring.beginWrite(seq);
    this.#frame.render(out, lostAt || t, t, detail);
    ring.commitWrite(seq, this.#frame.bytes, PixelFormat.RGB24, t);
    this.#sink.frame(seq);
  }
}
