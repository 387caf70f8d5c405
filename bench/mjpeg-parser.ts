// Incremental parser for a /video_feed response as it arrives on a raw TCP
// socket: HTTP/1.1 response head, then chunked transfer encoding (or a plain
// body until close), then multipart/x-mixed-replace parts.
//
// Built so that the load generator is never the bottleneck: JPEG bytes are
// skipped, never copied or scanned; only the ~120-byte part header of each
// frame is looked at. The JPEG's first two bytes (FF D8) and last two
// (FF D9) are checked on the fly as a cheap integrity test.

export interface MjpegFrameInfo {
  /** JPEG bytes (Content-Length). */
  length: number;
  /** X-Timestamp, epoch seconds. */
  timestamp: number;
  frameId: number;
  /** SOI and EOI markers where they belong. */
  valid: boolean;
}

export interface MjpegParserEvents {
  /** Called once per complete part, with the time it completed (epoch ms). */
  frame(info: MjpegFrameInfo): void;
  /** The response head: status code and lower-cased headers. */
  head?(status: number, headers: Map<string, string>): void;
  /**
   * Optional: each part's header block as sent, boundary line included, for
   * clients that check every header (the tests); the load generator leaves it
   * unset and pays nothing.
   */
  part?(head: string): void;
  /** Optional: receives every JPEG byte range of the frames while `capture` is set. */
  body?(bytes: Uint8Array): void;
  /** A protocol violation; the parser stops. */
  error(message: string): void;
  /** The closing boundary or the final chunk arrived. */
  end?(): void;
}

const enum Http { Head, Body, Done }
const enum Chunk { Size, SizeExt, SizeLf, Data, DataCr, DataLf, Trailer }
// Cr/Lf: the CRLF that must follow each part's body before the next boundary.
const enum Part { Head, Body, Cr, Lf }

const MAX_HEAD = 8192;
const MAX_PART_HEAD = 1024;

export class MjpegParser {
  #http = Http.Head;
  #chunked = false;
  #chunk = Chunk.Size;
  #chunkLeft = 0;
  #chunkSize = 0;
  #sizeDigits = 0;
  #part = Part.Head;
  readonly #partHead = Buffer.alloc(MAX_PART_HEAD);
  #partHeadLen = 0;
  #bodyLeft = 0;
  #bodyLen = 0;
  #bodyPos = 0;
  #soi = 0;
  #prev = 0;
  #last = 0;
  #ts = 0;
  #id = 0;
  #head: Buffer[] = [];
  #headLen = 0;
  readonly #ev: MjpegParserEvents;
  /** While true, JPEG bytes are passed to `events.body` (sampling one frame). */
  capture = false;
  bytesIn = 0;

  constructor(events: MjpegParserEvents) {
    this.#ev = events;
  }

  get done(): boolean {
    return this.#http === Http.Done;
  }

  push(buf: Buffer): void {
    this.bytesIn += buf.length;
    if (this.#http === Http.Done) return;
    let off = 0;
    if (this.#http === Http.Head) {
      off = this.#takeHead(buf);
      if (off < 0) return;
    }
    if (!this.#chunked) {
      if (off < buf.length) this.#body(buf, off, buf.length);
      return;
    }
    this.#dechunk(buf, off);
  }

  /** Returns the offset where the body starts, or -1 while the head is incomplete. */
  #takeHead(buf: Buffer): number {
    this.#head.push(buf);
    this.#headLen += buf.length;
    const all = this.#head.length === 1 ? buf : Buffer.concat(this.#head, this.#headLen);
    const end = all.indexOf('\r\n\r\n');
    if (end < 0) {
      if (this.#headLen > MAX_HEAD) this.#fail('response head too large');
      else if (this.#head.length > 1) this.#head = [all];
      return -1;
    }
    const lines = all.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1] ?? 0);
    const headers = new Map<string, string>();
    for (let i = 1; i < lines.length; i++) {
      const c = lines[i].indexOf(':');
      if (c > 0) headers.set(lines[i].slice(0, c).trim().toLowerCase(), lines[i].slice(c + 1).trim());
    }
    this.#ev.head?.(status, headers);
    if (status !== 200) {
      this.#fail(`HTTP status ${status}`);
      return -1;
    }
    if (!/^multipart\/x-mixed-replace/i.test(headers.get('content-type') ?? '')) {
      this.#fail(`unexpected content-type ${headers.get('content-type')}`);
      return -1;
    }
    this.#chunked = /chunked/i.test(headers.get('transfer-encoding') ?? '');
    this.#http = Http.Body;
    this.#head = [];
    // Offset into `buf` (the last piece) where the body begins.
    return end + 4 - (this.#headLen - buf.length);
  }

  #dechunk(buf: Buffer, off: number): void {
    const n = buf.length;
    while (off < n && this.#http === Http.Body) {
      switch (this.#chunk) {
        case Chunk.Size: {
          const c = buf[off++];
          const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
          if (d >= 0) {
            if (++this.#sizeDigits > 8) return this.#fail('chunk size too long');
            this.#chunkSize = this.#chunkSize * 16 + d;
          } else if (c === 13) this.#chunk = Chunk.SizeLf;
          else if (c === 59 || c === 32 || c === 9) this.#chunk = Chunk.SizeExt;
          else return this.#fail(`bad chunk size byte ${c}`);
          break;
        }
        case Chunk.SizeExt:
          if (buf[off++] === 13) this.#chunk = Chunk.SizeLf;
          break;
        case Chunk.SizeLf:
          if (buf[off++] !== 10 || this.#sizeDigits === 0) return this.#fail('bad chunk size line');
          this.#chunkLeft = this.#chunkSize;
          this.#chunk = this.#chunkSize === 0 ? Chunk.Trailer : Chunk.Data;
          this.#chunkSize = this.#sizeDigits = 0;
          if (this.#chunk === Chunk.Trailer) {
            this.#http = Http.Done;
            this.#ev.end?.();
          }
          break;
        case Chunk.Data: {
          const take = Math.min(this.#chunkLeft, n - off);
          this.#body(buf, off, off + take);
          off += take;
          this.#chunkLeft -= take;
          if (this.#chunkLeft === 0) this.#chunk = Chunk.DataCr;
          break;
        }
        case Chunk.DataCr:
          if (buf[off++] !== 13) return this.#fail('chunk not followed by CRLF');
          this.#chunk = Chunk.DataLf;
          break;
        case Chunk.DataLf:
          if (buf[off++] !== 10) return this.#fail('chunk not followed by CRLF');
          this.#chunk = Chunk.Size;
          break;
        default:
          return;
      }
    }
  }

  /** Multipart layer over body bytes buf[off, end). */
  #body(buf: Buffer, off: number, end: number): void {
    while (off < end && this.#http === Http.Body) {
      if (this.#part === Part.Body) {
        const take = Math.min(this.#bodyLeft, end - off);
        this.#track(buf, off, take);
        off += take;
        this.#bodyLeft -= take;
        if (this.#bodyLeft === 0) this.#finishPart();
        continue;
      }
      if (this.#part !== Part.Head) {
        // A body of Content-Length bytes is followed by exactly CRLF; anything
        // else means the length or the framing is wrong.
        if (buf[off++] !== (this.#part === Part.Cr ? 13 : 10)) return this.#fail('part not followed by CRLF');
        this.#part = this.#part === Part.Cr ? Part.Lf : Part.Head;
        continue;
      }
      // Part head: skip blank lines before the boundary (a preamble), then
      // collect bytes up to the blank line.
      const c = buf[off++];
      if (this.#partHeadLen === 0 && (c === 13 || c === 10)) continue;
      if (this.#partHeadLen >= MAX_PART_HEAD) return this.#fail('part header too large');
      this.#partHead[this.#partHeadLen++] = c;
      const L = this.#partHeadLen;
      if (L >= 9 && c === 10 && this.#partHead[L - 2] === 13) {
        if (this.#partHead[L - 3] === 10 && this.#partHead[L - 4] === 13) this.#startPart();
        else if (this.#partHead[0] === 45 && this.#partHead.toString('latin1', 0, L).startsWith('--frame--')) {
          this.#http = Http.Done;
          this.#ev.end?.();
        }
      }
    }
  }

  #startPart(): void {
    const text = this.#partHead.toString('latin1', 0, this.#partHeadLen);
    this.#partHeadLen = 0;
    if (!text.startsWith('--frame\r\n')) return this.#fail(`part does not start with the boundary: ${JSON.stringify(text.slice(0, 40))}`);
    this.#ev.part?.(text);
    const len = headerNumber(text, 'content-length');
    if (!(len > 0)) return this.#fail('part without Content-Length');
    this.#ts = headerNumber(text, 'x-timestamp');
    this.#id = headerNumber(text, 'x-frame-id');
    this.#bodyLen = this.#bodyLeft = len;
    this.#bodyPos = 0;
    this.#soi = 0;
    this.#part = Part.Body;
  }

  /** Remembers the first two and the last two JPEG bytes without copying. */
  #track(buf: Buffer, off: number, take: number): void {
    if (take === 0) return;
    if (this.capture) this.#ev.body?.(buf.subarray(off, off + take));
    if (this.#bodyPos === 0) this.#soi = take >= 2 ? (buf[off] << 8) | buf[off + 1] : buf[off] << 8 | 0x100000;
    else if (this.#bodyPos === 1 && this.#soi & 0x100000) this.#soi = (this.#soi & 0xff00) | buf[off];
    if (take >= 2) {
      this.#prev = buf[off + take - 2];
      this.#last = buf[off + take - 1];
    } else {
      this.#prev = this.#last;
      this.#last = buf[off];
    }
    this.#bodyPos += take;
  }

  #finishPart(): void {
    this.#part = Part.Cr;
    const valid = this.#soi === 0xffd8 && this.#prev === 0xff && this.#last === 0xd9;
    this.#ev.frame({ length: this.#bodyLen, timestamp: this.#ts, frameId: this.#id, valid });
  }

  #fail(message: string): void {
    this.#http = Http.Done;
    this.#ev.error(message);
  }
}

/** Numeric value of header `name` (lower case) in a part head; NaN when absent. */
function headerNumber(text: string, name: string): number {
  const lower = text.toLowerCase();
  const i = lower.indexOf(`\r\n${name}:`);
  if (i < 0) return NaN;
  const start = i + name.length + 3;
  const end = text.indexOf('\r\n', start);
  return Number(text.slice(start, end < 0 ? undefined : end).trim());
}
