// Minimal WebSocket client side for the load generator: the upgrade request,
// and an incremental parser of server frames (unmasked, RFC 6455) that skips
// binary payloads without copying them. Text messages are small JSON metas
// and are collected whole. Server pings are answered with a masked pong.

import { randomBytes } from 'node:crypto';

export function upgradeRequest(host: string, path: string): { request: string; key: string } {
  const key = randomBytes(16).toString('base64');
  const request =
    `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
  return { request, key };
}

export interface WsParserEvents {
  /** Optional: the upgrade response head (status code, lower-cased headers), before any frame. */
  head?(status: number, headers: Map<string, string>): void;
  text(message: string): void;
  /** A complete binary message: its length and whether it starts FF D8 and ends FF D9. */
  binary(length: number, jpegValid: boolean): void;
  /** Optional: every binary payload byte range while `capture` is set. */
  body?(bytes: Uint8Array): void;
  /** Payload of a ping, to be answered. */
  ping(payload: Buffer): void;
  /** The server's close frame: its code (1005 when it has none) and reason text. */
  close(code: number, reason: string): void;
  error(message: string): void;
}

const enum St { Upgrade, Header, Payload, Done }
const MAX_TEXT = 64 * 1024;

export class WsParser {
  #st = St.Upgrade;
  #head: Buffer[] = [];
  #headLen = 0;
  readonly #hdr = Buffer.alloc(14);
  #hdrLen = 0;
  #opcode = 0;
  #msgOpcode = 0;
  #fin = true;
  #left = 0;
  #msgLen = 0;
  #first = -1;
  #second = -1;
  #prev = 0;
  #last = 0;
  #text: Buffer[] = [];
  readonly #ev: WsParserEvents;
  capture = false;
  bytesIn = 0;

  constructor(events: WsParserEvents) {
    this.#ev = events;
  }

  get done(): boolean {
    return this.#st === St.Done;
  }

  push(buf: Buffer): void {
    this.bytesIn += buf.length;
    let off = 0;
    if (this.#st === St.Upgrade) {
      this.#head.push(buf);
      this.#headLen += buf.length;
      const all = Buffer.concat(this.#head, this.#headLen);
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) {
        this.#head = [all];
        if (this.#headLen > 8192) this.#fail('upgrade response too large');
        return;
      }
      if (this.#ev.head) {
        const lines = all.subarray(0, end).toString('latin1').split('\r\n');
        const headers = new Map<string, string>();
        for (let i = 1; i < lines.length; i++) {
          const c = lines[i].indexOf(':');
          if (c > 0) headers.set(lines[i].slice(0, c).trim().toLowerCase(), lines[i].slice(c + 1).trim());
        }
        this.#ev.head(Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1] ?? 0), headers);
      }
      const status = all.subarray(0, 12).toString('latin1');
      if (!/^HTTP\/1\.1 101/.test(status)) return this.#fail(`upgrade refused: ${all.subarray(0, Math.min(end, 200)).toString('latin1')}`);
      this.#head = [];
      this.#st = St.Header;
      buf = all;
      off = end + 4;
    }
    const n = buf.length;
    while (off < n && this.#st !== St.Done) {
      if (this.#st === St.Header) {
        this.#hdr[this.#hdrLen++] = buf[off++];
        if (this.#hdrLen < 2) continue;
        const len7 = this.#hdr[1] & 0x7f;
        const need = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (this.#hdr[1] & 0x80 ? 4 : 0);
        if (this.#hdrLen < need) continue;
        this.#startFrame(len7);
        continue;
      }
      // Payload.
      const take = Math.min(this.#left, n - off);
      this.#payload(buf, off, take);
      off += take;
      this.#left -= take;
      if (this.#left === 0) this.#endFrame();
    }
  }

  #startFrame(len7: number): void {
    const h = this.#hdr;
    this.#hdrLen = 0;
    if (h[1] & 0x80) return this.#fail('server frames must not be masked');
    this.#fin = (h[0] & 0x80) !== 0;
    this.#opcode = h[0] & 0x0f;
    let len = len7;
    if (len7 === 126) len = h.readUInt16BE(2);
    else if (len7 === 127) len = Number(h.readBigUInt64BE(2));
    if (this.#opcode !== 0) {
      if (this.#opcode < 8) {
        this.#msgOpcode = this.#opcode;
        this.#msgLen = 0;
        this.#first = this.#second = -1;
      }
    }
    this.#left = len;
    this.#st = St.Payload;
    if (len === 0) this.#endFrame();
  }

  #payload(buf: Buffer, off: number, take: number): void {
    if (take === 0) return;
    const op = this.#opcode === 0 ? this.#msgOpcode : this.#opcode;
    if (op === 2) {
      if (this.capture) this.#ev.body?.(buf.subarray(off, off + take));
      if (this.#first < 0) {
        this.#first = buf[off];
        if (take > 1) this.#second = buf[off + 1];
      } else if (this.#second < 0) this.#second = buf[off];
      this.#prev = take >= 2 ? buf[off + take - 2] : this.#last;
      this.#last = buf[off + take - 1];
      this.#msgLen += take;
    } else {
      // Text and control payloads are small: collect them.
      this.#msgLen += take;
      if (this.#msgLen > MAX_TEXT) return this.#fail('text message too large');
      this.#text.push(Buffer.from(buf.subarray(off, off + take)));
    }
  }

  #endFrame(): void {
    this.#st = St.Header;
    const op = this.#opcode;
    if (op >= 8) {
      const payload = Buffer.concat(this.#text);
      this.#text = [];
      if (op === 9) this.#ev.ping(payload);
      else if (op === 8) {
        this.#st = St.Done;
        this.#ev.close(payload.length >= 2 ? payload.readUInt16BE(0) : 1005, payload.toString('utf8', 2));
      }
      return;
    }
    if (!this.#fin) return;
    if (this.#msgOpcode === 2) {
      const valid = this.#first === 0xff && this.#second === 0xd8 && this.#prev === 0xff && this.#last === 0xd9;
      this.#ev.binary(this.#msgLen, valid);
    } else if (this.#msgOpcode === 1) {
      const text = Buffer.concat(this.#text).toString('utf8');
      this.#text = [];
      this.#ev.text(text);
    }
  }

  #fail(message: string): void {
    this.#st = St.Done;
    this.#ev.error(message);
  }
}

/** A masked client frame (pong, text or close), as RFC 6455 requires of clients. */
export function clientFrame(opcode: number, payload: Buffer): Buffer {
  if (payload.length > 125) throw new Error('control-size payloads only');
  const mask = randomBytes(4);
  const out = Buffer.alloc(6 + payload.length);
  out[0] = 0x80 | opcode;
  out[1] = 0x80 | payload.length;
  mask.copy(out, 2);
  for (let i = 0; i < payload.length; i++) out[6 + i] = payload[i] ^ mask[i & 3];
  return out;
}
