// H.264 over RTP (RFC 6184, packetization-mode 1) for restreaming: each NAL
// unit of an access unit becomes one RTP packet when it fits, else FU-A
// fragments; the marker bit closes the access unit. Packets are written into
// a caller's buffer at given offsets, so a frame costs no allocation here.

import { findStartCode, trimTrailingZeros } from '../../encode/h264/nal.js';

/** RTP fixed header, no CSRC, no extension (RFC 3550 §5.1). */
export const RTP_HEADER_BYTES = 12;
/** FU indicator + FU header in front of every fragment (RFC 6184 §5.8). */
const FU_A_OVERHEAD = 2;
const FU_A_TYPE = 28;
/** Largest NAL count per access unit we index; an encoder emits a handful. */
const MAX_NALS = 256;

export interface RtpPacketizerOptions {
  payloadType: number;
  ssrc: number;
  /** Largest RTP packet (header + payload), in bytes; room for an SRTP tag is the caller's to leave. */
  maxPacketBytes: number;
  /** First sequence number (random per RFC 3550 unless a test fixes it). */
  initialSeq: number;
}

/** Where packets go: a free slot of at least maxPacketBytes at `offset` of `buf`. */
export interface PacketSink {
  readonly buf: Buffer;
  /** Offset of the next free slot; only called as many times as reserved. */
  nextSlot(): number;
  /** The packet written at the last nextSlot() is `length` bytes long. */
  commit(length: number): void;
}

export class H264RtpPacketizer {
  readonly #pt: number;
  readonly #ssrc: number;
  readonly #maxPayload: number;
  #seq: number;
  /** NAL boundaries of the access unit being sent, reused (no per-frame arrays). */
  readonly #starts = new Int32Array(MAX_NALS);
  readonly #ends = new Int32Array(MAX_NALS);
  #count = 0;

  constructor(o: RtpPacketizerOptions) {
    if (!Number.isInteger(o.payloadType) || o.payloadType < 0 || o.payloadType > 127) throw new RangeError('payloadType must be 0..127');
    if (!Number.isInteger(o.maxPacketBytes) || o.maxPacketBytes < RTP_HEADER_BYTES + FU_A_OVERHEAD + 1) {
      throw new RangeError(`maxPacketBytes must be at least ${RTP_HEADER_BYTES + FU_A_OVERHEAD + 1}`);
    }
    this.#pt = o.payloadType;
    this.#ssrc = o.ssrc >>> 0;
    this.#maxPayload = o.maxPacketBytes - RTP_HEADER_BYTES;
    this.#seq = o.initialSeq & 0xffff;
  }

  /** Sequence number the next packet will carry. */
  get nextSeq(): number {
    return this.#seq;
  }

  /**
   * Indexes the NAL units of an Annex-B access unit and returns how many RTP
   * packets it will take (0: nothing to send). Call before `write`, so the
   * caller can refuse the whole unit when its buffer has no room.
   */
  plan(au: Uint8Array): number {
    this.#count = 0;
    let packets = 0;
    let at = findStartCode(au, 0, au.length);
    while (at >= 0 && this.#count < MAX_NALS) {
      const start = at + 3;
      const next = findStartCode(au, start, au.length);
      const end = next < 0 ? au.length : trimTrailingZeros(au, start, next);
      if (end > start) {
        this.#starts[this.#count] = start;
        this.#ends[this.#count] = end;
        this.#count++;
        packets += this.#packetsFor(end - start);
      }
      at = next;
    }
    return packets;
  }

  /** Writes the packets `plan` counted, stamped `timestamp` (90 kHz); the last carries the marker. */
  write(au: Uint8Array, timestamp: number, sink: PacketSink): void {
    const last = this.#count - 1;
    for (let i = 0; i <= last; i++) {
      const start = this.#starts[i];
      const size = this.#ends[i] - start;
      if (size <= this.#maxPayload) {
        const off = sink.nextSlot();
        this.#header(sink.buf, off, timestamp, i === last);
        sink.buf.set(au.subarray(start, start + size), off + RTP_HEADER_BYTES);
        sink.commit(RTP_HEADER_BYTES + size);
        continue;
      }
      this.#fragment(au, start, size, timestamp, i === last, sink);
    }
  }

  #packetsFor(size: number): number {
    if (size <= this.#maxPayload) return 1;
    return Math.ceil((size - 1) / (this.#maxPayload - FU_A_OVERHEAD));
  }

  /** FU-A: the NAL header byte travels as F/NRI in the indicator and type in the FU header. */
  #fragment(au: Uint8Array, start: number, size: number, timestamp: number, lastNal: boolean, sink: PacketSink): void {
    const header = au[start];
    const indicator = (header & 0xe0) | FU_A_TYPE;
    const type = header & 0x1f;
    const chunk = this.#maxPayload - FU_A_OVERHEAD;
    let pos = start + 1;
    const end = start + size;
    while (pos < end) {
      const n = Math.min(chunk, end - pos);
      const first = pos === start + 1;
      const final = pos + n === end;
      const off = sink.nextSlot();
      const buf = sink.buf;
      this.#header(buf, off, timestamp, lastNal && final);
      buf[off + RTP_HEADER_BYTES] = indicator;
      buf[off + RTP_HEADER_BYTES + 1] = (first ? 0x80 : 0) | (final ? 0x40 : 0) | type;
      buf.set(au.subarray(pos, pos + n), off + RTP_HEADER_BYTES + FU_A_OVERHEAD);
      sink.commit(RTP_HEADER_BYTES + FU_A_OVERHEAD + n);
      pos += n;
    }
  }

  #header(buf: Buffer, off: number, timestamp: number, marker: boolean): void {
    buf[off] = 0x80; // version 2, no padding, no extension, no CSRC
    buf[off + 1] = (marker ? 0x80 : 0) | this.#pt;
    buf.writeUInt16BE(this.#seq, off + 2);
    buf.writeUInt32BE(timestamp >>> 0, off + 4);
    buf.writeUInt32BE(this.#ssrc, off + 8);
    this.#seq = (this.#seq + 1) & 0xffff;
  }
}
