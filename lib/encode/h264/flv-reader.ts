// Reads the video tags of an FLV stream (ffmpeg `-f flv pipe:1`), chunk by
// chunk. FLV frames every packet with its length, so an access unit is
// complete the moment its last byte arrives; raw Annex B is only known
// complete when the next picture starts, one frame interval later (see
// annexb-splitter.ts for the measurement). Audio and script tags are skipped
// without buffering.

export interface FlvVideoTag {
  /** FLV frame type 1 (keyframe). */
  keyframe: boolean;
  /** Tag timestamp, ms (the encoder's pts). */
  timestampMs: number;
}

export interface FlvReaderEvents {
  /** AVCDecoderConfigurationRecord (the SPS/PPS), buf[start, end). */
  config(buf: Buffer, start: number, end: number): void;
  /** The stream is not FLV (the reader ignores everything until reset()). */
  error(message: string): void;
  /** One access unit as AVCC NAL units (4-byte lengths), buf[start, end); a view valid only during the call. */
  unit(buf: Buffer, start: number, end: number, tag: FlvVideoTag): void;
}

export interface FlvReaderStats {
  tags: number;
  /** Video tags larger than maxTagBytes, skipped. */
  oversized: number;
  /** Video tags that are not H.264 (AVC codec id 7). */
  unsupported: number;
}

/** FLV file header (9 bytes) and the first PreviousTagSize (4). */
const HEADER_BYTES = 13;
const TAG_HEADER_BYTES = 11;
const PREV_SIZE_BYTES = 4;
const TAG_VIDEO = 9;
const CODEC_AVC = 7;
const FLV_SIGNATURE = [0x46, 0x4c, 0x56];

export class FlvReader {
  readonly #events: FlvReaderEvents;
  /** Tag header + data being assembled when it spans chunks; preallocated. */
  readonly #buf: Buffer;
  /** Bytes still to skip (unwanted tag data, trailing tag size). */
  #skip = 0;
  /** FLV header bytes collected (HEADER_BYTES: header done). */
  #headerLen = 0;
  /** The header was not FLV: ignore input until reset(). */
  #broken = false;
  /** Bytes of the tag header collected in #head. */
  #headLen = 0;
  readonly #head = Buffer.alloc(TAG_HEADER_BYTES);
  /** Data bytes of the current video tag still expected (0: reading a header). */
  #need = 0;
  #have = 0;
  #tagTimestamp = 0;
  #stats: FlvReaderStats = { tags: 0, oversized: 0, unsupported: 0 };
  readonly #tag: FlvVideoTag = { keyframe: false, timestampMs: 0 };

  constructor(maxTagBytes: number, events: FlvReaderEvents) {
    if (!Number.isInteger(maxTagBytes) || maxTagBytes < 64) throw new TypeError('maxTagBytes must be an integer >= 64');
    this.#buf = Buffer.allocUnsafe(maxTagBytes);
    this.#events = events;
  }

  /** A new stream follows (the encoder restarted): expect an FLV header again. */
  reset(): void {
    this.#skip = this.#headerLen = this.#headLen = this.#need = this.#have = 0;
    this.#broken = false;
  }

  stats(): FlvReaderStats {
    return { ...this.#stats };
  }

  push(chunk: Buffer): void {
    let off = 0;
    const len = chunk.length;
    while (off < len && !this.#broken) {
      if (this.#headerLen < HEADER_BYTES) {
        const n = Math.min(HEADER_BYTES - this.#headerLen, len - off);
        for (let i = 0; i < n; i++) this.#checkHeaderByte(this.#headerLen + i, chunk[off + i]);
        this.#headerLen += n;
        off += n;
        continue;
      }
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, len - off);
        this.#skip -= n;
        off += n;
        continue;
      }
      if (this.#need > 0) {
        // A whole tag inside this chunk is handed over in place (no copy);
        // one that spans chunks is gathered in #buf first.
        if (this.#have === 0 && len - off >= this.#need) {
          this.#video(chunk, off, off + this.#need);
          off += this.#need;
          this.#endTag();
          continue;
        }
        const n = Math.min(this.#need - this.#have, len - off);
        chunk.copy(this.#buf, this.#have, off, off + n);
        this.#have += n;
        off += n;
        if (this.#have === this.#need) {
          this.#video(this.#buf, 0, this.#need);
          this.#endTag();
        }
        continue;
      }
      const n = Math.min(TAG_HEADER_BYTES - this.#headLen, len - off);
      chunk.copy(this.#head, this.#headLen, off, off + n);
      this.#headLen += n;
      off += n;
      if (this.#headLen === TAG_HEADER_BYTES) this.#startTag();
    }
  }

  #checkHeaderByte(i: number, b: number): void {
    // "FLV", version 1; the data offset (bytes 5..8) is always 9 for version 1.
    if (this.#broken || i > 2) return;
    if (b !== FLV_SIGNATURE[i]) {
      this.#broken = true;
      this.#events.error('the encoder output is not FLV (bad signature)');
    }
  }

  #startTag(): void {
    const h = this.#head;
    this.#headLen = 0;
    this.#stats.tags++;
    const type = h[0] & 0x1f;
    const size = h.readUIntBE(1, 3);
    // 24-bit timestamp plus an 8-bit extension holding bits 24..31.
    this.#tagTimestamp = (h.readUIntBE(4, 3) | (h[7] << 24)) >>> 0;
    if (type !== TAG_VIDEO || size === 0) {
      this.#skip = size + PREV_SIZE_BYTES;
      return;
    }
    if (size > this.#buf.length) {
      this.#stats.oversized++;
      this.#skip = size + PREV_SIZE_BYTES;
      return;
    }
    this.#need = size;
    this.#have = 0;
  }

  #endTag(): void {
    this.#need = this.#have = 0;
    this.#skip = PREV_SIZE_BYTES;
  }

  #video(buf: Buffer, start: number, end: number): void {
    // VIDEODATA: frame type (4 bits) | codec id (4 bits), then for AVC the
    // packet type (0 config, 1 NAL units, 2 end of sequence) and a 24-bit
    // composition time offset (0 without B-frames).
    if (end - start < 5) return;
    const first = buf[start];
    if ((first & 0x0f) !== CODEC_AVC) {
      this.#stats.unsupported++;
      return;
    }
    const packetType = buf[start + 1];
    if (packetType === 0) this.#events.config(buf, start + 5, end);
    else if (packetType === 1) {
      this.#tag.keyframe = first >> 4 === 1;
      this.#tag.timestampMs = this.#tagTimestamp;
      this.#events.unit(buf, start + 5, end, this.#tag);
    }
  }
}

/**
 * SPS and PPS from an AVCDecoderConfigurationRecord (ISO 14496-15 5.2.4.1):
 * the first of each, and the NAL length size; null when malformed.
 */
export function parseAvcConfig(buf: Buffer, start: number, end: number):
  { sps: Buffer; pps: Buffer; lengthSize: number } | null {
  if (end - start < 7 || buf[start] !== 1) return null;
  const lengthSize = (buf[start + 4] & 3) + 1;
  let p = start + 5;
  const numSps = buf[p++] & 0x1f;
  let sps: Buffer | null = null;
  for (let i = 0; i < numSps; i++) {
    if (p + 2 > end) return null;
    const n = buf.readUInt16BE(p);
    p += 2;
    if (p + n > end) return null;
    if (!sps) sps = Buffer.from(buf.subarray(p, p + n));
    p += n;
  }
  if (p + 1 > end) return null;
  const numPps = buf[p++];
  let pps: Buffer | null = null;
  for (let i = 0; i < numPps; i++) {
    if (p + 2 > end) return null;
    const n = buf.readUInt16BE(p);
    p += 2;
    if (p + n > end) return null;
    if (!pps) pps = Buffer.from(buf.subarray(p, p + n));
    p += n;
  }
  return sps && pps ? { sps, pps, lengthSize } : null;
}
