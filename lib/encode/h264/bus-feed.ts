// The H.264 encoder's place on the frame bus: a consumer that wants frames
// while the encoder runs (someone watches over WebRTC, or a restream target
// is live), at most at the encoder's rate, and hands each one to ffmpeg.
// Raw RGB frames go in as they are (push() copies them before returning, so
// the ring slot is free again at once); YUYV frames are converted into one
// buffer kept for that; a JPEG frame (an MJPEG camera) is copied out of its
// slot and decoded by sharp on libuv's thread pool, one at a time, newest
// wins. A frame the camera lapped while it was read is counted as torn.
// With an OSD on, it is drawn on the encoder's own copy of each frame (the
// push() decorate hook), never on the ring slot or the YUYV/JPEG buffers.

import sharp from 'sharp';
import type { FrameBus, FrameConsumer } from '../../bus/frame-bus.js';
import { PixelFormat } from '../../bus/raw-ring.js';
import { yuyvToRgb } from '../../bus/yuyv-to-rgb.js';
import { OsdRenderer } from '../osd/osd-renderer.js';
import type { OsdSource, OsdState } from '../osd/osd-state.js';

/** What the feed needs of the encoder. */
export interface RawFrameSink {
  /** Copies the frame and returns true, or false while busy (the frame is skipped). */
  push(frame: Uint8Array, frameId: number, captureMs: number, decorate?: (copy: Buffer) => void): boolean;
}

export interface H264FeedCounters {
  /** Frames handed to the encoder. */
  pushed: number;
  /** Frames the encoder could not take (still writing the previous one). */
  busy: number;
  /** Frames the camera overwrote while they were read. */
  torn: number;
  /** JPEG frames that did not decode. */
  decodeErrors: number;
  /** JPEG frames replaced by a newer one while a decode ran. */
  decodeSkipped: number;
}

export class H264BusFeed implements FrameConsumer {
  readonly name = 'h264';
  readonly maxFps: number;
  readonly counters: H264FeedCounters = { pushed: 0, busy: 0, torn: 0, decodeErrors: 0, decodeSkipped: 0 };
  readonly #bus: FrameBus;
  readonly #sink: RawFrameSink;
  readonly #wanted: () => boolean;
  readonly #rgbBytes: number;
  /** YUYV converted to RGB here; allocated once, on the first YUYV frame. */
  #rgb: Buffer | null = null;
  /** A JPEG copied out of its slot for decoding (one in flight); allocated on the first JPEG. */
  #jpeg: Buffer | null = null;
  #decoding = false;
  /** Newest JPEG frame that arrived while one was decoding; -1: none. */
  #pendingJpeg = -1;
  readonly #osdSource: OsdSource | null;
  /** Made on the first frame with an OSD; its strings are cached across frames. */
  #osd: OsdRenderer | null = null;
  /** The state being pushed; read by #decorate during push(). */
  #osdState: OsdState | null = null;
  /** Bound once: handing push() a fresh closure per frame would allocate. */
  readonly #decorate = (copy: Buffer): void => {
    this.#osd!.draw(copy, this.#osdState!);
  };

  /** `wanted`: whether the encoder runs now (the feed has demand only then). `osd`: drawn on the encoder's copy when its preset is on. */
  constructor(bus: FrameBus, sink: RawFrameSink, maxFps: number, wanted: () => boolean, osd?: OsdSource) {
    this.#bus = bus;
    this.#sink = sink;
    this.maxFps = maxFps;
    this.#wanted = wanted;
    this.#rgbBytes = bus.ring.width * bus.ring.height * 3;
    this.#osdSource = osd ?? null;
  }

  hasDemand(): boolean {
    return this.#wanted();
  }

  /** Frames are copied before take() returns (or a JPEG into its own buffer): nothing holds a slot. */
  oldestInUse(): number {
    return -1;
  }

  take(seq: number): void {
    const ring = this.#bus.ring;
    const slot = ring.slotOf(seq);
    if (ring.slotSeq(slot) !== seq) {
      this.counters.torn++;
      return;
    }
    const format = ring.format(slot);
    const captureMs = ring.captureTime(slot);
    if (format === PixelFormat.RGB24) {
      this.#push(ring.view(slot).subarray(0, this.#rgbBytes), seq, captureMs);
      // push() copied the bytes straight from the slot; a lap during that copy shows here.
      if (ring.slotSeq(slot) !== seq) this.counters.torn++;
    } else if (format === PixelFormat.YUYV) {
      this.#rgb ??= Buffer.alloc(this.#rgbBytes);
      yuyvToRgb(ring.view(slot), this.#rgb, ring.width, ring.height);
      if (ring.slotSeq(slot) !== seq) {
        this.counters.torn++;
        return;
      }
      this.#push(this.#rgb, seq, captureMs);
    } else {
      this.#takeJpeg(seq);
    }
  }

  #push(frame: Uint8Array, seq: number, captureMs: number): void {
    const src = this.#osdSource;
    // The preset first: with the OSD off no state is asked for (nothing here labels frames).
    const preset = src ? src.preset() : null;
    const state = preset ? src!.state(captureMs) : null;
    let decorate: ((copy: Buffer) => void) | undefined;
    if (preset && state) {
      const ring = this.#bus.ring;
      this.#osd ??= new OsdRenderer(ring.width, ring.height, preset);
      if (this.#osd.preset !== preset) this.#osd.preset = preset;
      this.#osdState = state;
      decorate = this.#decorate;
    }
    const ok = this.#sink.push(frame, seq, captureMs, decorate);
    this.#osdState = null;
    if (ok) this.counters.pushed++;
    else this.counters.busy++;
  }

  #takeJpeg(seq: number): void {
    if (this.#decoding) {
      if (this.#pendingJpeg >= 0) this.counters.decodeSkipped++;
      this.#pendingJpeg = seq;
      return;
    }
    const ring = this.#bus.ring;
    const slot = ring.slotOf(seq);
    const n = Math.min(ring.bytesUsed(slot), ring.slotBytes);
    this.#jpeg ??= Buffer.alloc(ring.slotBytes);
    ring.view(slot).copy(this.#jpeg, 0, 0, n);
    if (ring.slotSeq(slot) !== seq) {
      this.counters.torn++;
      return;
    }
    const captureMs = ring.captureTime(slot);
    this.#decoding = true;
    sharp(this.#jpeg.subarray(0, n)).removeAlpha().raw().toBuffer({ resolveWithObject: true }).then(
      ({ data, info }) => {
        if (info.width * info.height * 3 === this.#rgbBytes) this.#push(data, seq, captureMs);
        else this.counters.decodeErrors++;
      },
      () => { this.counters.decodeErrors++; },
    ).finally(() => {
      this.#decoding = false;
      const next = this.#pendingJpeg;
      this.#pendingJpeg = -1;
      if (next >= 0 && this.#bus.ring.slotSeq(this.#bus.ring.slotOf(next)) === next) this.#takeJpeg(next);
    });
  }
}
