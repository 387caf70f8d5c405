// Splits an Annex-B H.264 byte stream (as `ffmpeg -f h264`, hardware encoders
// and UVC cameras produce it) into access units, chunk by chunk.
//
// A new access unit starts (H.264 7.4.1.2.3) at the first AUD, SPS, PPS, SEI
// (or reserved 14..18) NAL after the current picture's slices, or at a slice
// with first_mb_in_slice == 0 (the next picture; no encoder we feed uses
// arbitrary slice order). So a picture is known complete only when the next
// one starts: this framing costs at least one frame interval of latency
// (headless Chromium, capture→display p50 in two runs: 82.9 and 65.4 ms
// against 23.6 and 23.7 ms with FLV; bench/results/webrtc-2026-11-28T*), which is why
// the encoder reads ffmpeg's output as FLV (length-framed) by default and
// uses this splitter for sources that only speak Annex B.

import { findStartCode, firstMbInSlice, isVcl, NEED_MORE, nalType, opensAccessUnit, trimTrailingZeros } from './nal.js';

export interface AnnexBSplitterStats {
  units: number;
  /** Access units larger than maxAuBytes, dropped whole. */
  oversized: number;
  /** Bytes before the first start code (a stream joined mid-NAL). */
  junkBytes: number;
}

/** Receives a complete access unit: a view valid only during the call. */
export type AnnexBUnitCallback = (buf: Buffer, start: number, end: number) => void;

export class AnnexBSplitter {
  /** The access unit being assembled, plus the start of the next; preallocated. */
  readonly #buf: Buffer;
  readonly #onUnit: AnnexBUnitCallback;
  /** Bytes held in #buf. */
  #len = 0;
  /** Where the start-code search resumes (before it: classified). */
  #scan = 0;
  /** A start code has been seen (bytes before the first one are junk). */
  #synced = false;
  /** The access unit in #buf has slices already. */
  #sawVcl = false;
  /** The current access unit overflowed #buf; its bytes are being skipped. */
  #discarding = false;
  #stats: AnnexBSplitterStats = { units: 0, oversized: 0, junkBytes: 0 };

  /** `maxAuBytes`: the largest access unit accepted (an IDR at the configured size and bitrate, with margin). */
  constructor(maxAuBytes: number, onUnit: AnnexBUnitCallback) {
    if (!Number.isInteger(maxAuBytes) || maxAuBytes < 64) throw new TypeError('maxAuBytes must be an integer >= 64');
    this.#buf = Buffer.allocUnsafe(maxAuBytes);
    this.#onUnit = onUnit;
  }

  push(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      const n = Math.min(chunk.length - off, this.#buf.length - this.#len);
      chunk.copy(this.#buf, this.#len, off, off + n);
      this.#len += n;
      off += n;
      this.#split();
      if (this.#len === this.#buf.length) this.#overflow();
    }
  }

  /** End of stream: the last access unit is complete. */
  flush(): void {
    if (this.#synced && this.#sawVcl && !this.#discarding) this.#emit(trimTrailingZeros(this.#buf, 0, this.#len));
    this.reset();
  }

  /** Forgets everything (a new stream follows). */
  reset(): void {
    this.#len = this.#scan = 0;
    this.#synced = this.#sawVcl = this.#discarding = false;
  }

  stats(): AnnexBSplitterStats {
    return { ...this.#stats };
  }

  #split(): void {
    const buf = this.#buf;
    for (;;) {
      const p = findStartCode(buf, this.#scan, this.#len);
      if (p < 0) {
        // Keep the last two bytes searchable: a start code may straddle chunks.
        this.#scan = Math.max(this.#scan, this.#len - 2);
        return;
      }
      // A zero in front of the prefix is the next unit's zero_byte (a 4-byte
      // start code, B.1.2): it moves with the new access unit.
      const cut = p > 0 && buf[p - 1] === 0 ? p - 1 : p;
      if (!this.#synced) {
        this.#stats.junkBytes += cut;
        this.#compact(cut);
        this.#scan = p - cut;
        this.#synced = true;
        continue;
      }
      // The NAL header (and, for a slice, first_mb_in_slice) must have arrived.
      if (p + 3 >= this.#len) { this.#scan = p; return; }
      const type = nalType(buf[p + 3]);
      let opens = false;
      if (isVcl(type)) {
        if (this.#sawVcl) {
          const firstMb = firstMbInSlice(buf, p + 3, this.#len);
          if (firstMb === NEED_MORE) { this.#scan = p; return; }
          opens = firstMb === 0;
        }
      } else {
        opens = this.#sawVcl && opensAccessUnit(type);
      }
      if (opens && (cut > 0 || this.#discarding)) {
        this.#emit(trimTrailingZeros(buf, 0, cut));
        this.#compact(cut);
        this.#sawVcl = false;
        this.#scan = p - cut + 3;
      } else {
        this.#scan = p + 3;
      }
      if (isVcl(type)) this.#sawVcl = true;
    }
  }

  #emit(end: number): void {
    if (this.#discarding) {
      this.#discarding = false;
      this.#stats.oversized++;
      return;
    }
    if (end <= 0) return;
    this.#stats.units++;
    this.#onUnit(this.#buf, 0, end);
  }

  /** Drops buf[0, from): the emitted access unit or junk. */
  #compact(from: number): void {
    this.#buf.copyWithin(0, from, this.#len);
    this.#len -= from;
    this.#scan = Math.max(0, this.#scan - from);
  }

  #overflow(): void {
    // A full buffer with no boundary: the current access unit is too large.
    // Keep classifying NAL headers (the boundary rule needs #sawVcl) but drop
    // the bytes; the unit is counted when its end is found.
    // Keep the unclassified tail (a start code and a few header bytes at most).
    this.#discarding = true;
    this.#compact(Math.max(Math.min(this.#scan, this.#len), this.#len - 16));
  }
}
