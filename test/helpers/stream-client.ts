// The one stream client of the tests: GET /video_feed (MJPEG) and
// WS /ws/video_feed on a raw TCP or TLS socket, read by the benchmark's
// incremental parsers (bench/mjpeg-parser.ts, bench/ws-parser.ts), so the
// tests and the load generator read the wire the same way.
//
// Each frame becomes a StreamPart with its contract fields (per-part
// headers, X-Timestamp, X-Frame-Id; or the WS meta it was paired with).
// A contract violation is written to `protocolErrors`, never thrown from a
// socket handler: a throw there crashes the whole test file instead of
// failing the one test that looks at it. Waits (waitParts, next, until,
// waitMessage) wake on every part and message and name what they waited for.

import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { MjpegParser } from '../../bench/mjpeg-parser.js';
import { WsParser, upgradeRequest } from '../../bench/ws-parser.js';
import { decodeSmall, type DecodedFrame } from './jpeg-frames.js';
import { Changes, waitFor } from './wait.js';

export interface WsMeta {
  type: 'frame';
  timestamp: number;
  frame_id: number;
  quality: number;
  size: number;
  /** The tracker's box [x, y, w, h] px when the frame was taken, or null. */
  box: [number, number, number, number] | null;
  /** The tracker's target_state then; null when no tracker state is known. */
  target_state: string | null;
}

export interface StreamPart {
  /** Position on this stream, from 0. */
  index: number;
  /** X-Frame-Id, or the meta's frame_id. */
  id: number;
  /** X-Timestamp, or the meta's timestamp: capture time in epoch seconds. */
  timestamp: number;
  /** JPEG bytes received. */
  length: number;
  /** Starts FF D8 and ends FF D9. */
  valid: boolean;
  /** Arrival, epoch ms. */
  at: number;
  /** MJPEG: the part's headers, names in lower case; WS: none. */
  headers: Record<string, string>;
  /** WS: the meta message this JPEG followed; MJPEG: null. */
  meta: WsMeta | null;
  /** The JPEG while the part is among the newest `keepJpegs`, then null (memory stays bounded). */
  jpeg: Buffer | null;
}

export interface StreamOptions {
  /** Extra request headers; `host` replaces the Host header. */
  headers?: Record<string, string>;
  /** JPEG bytes are kept for this many newest parts (default 64). */
  keepJpegs?: number;
  /** `parts` holds this many newest parts (default 4096); older ones are counted in `dropped`. */
  maxParts?: number;
  /** Trusted CA for https:// and wss:// URLs. */
  ca?: Buffer;
  /** Connecting and the response head must take less than this (default 10 s). */
  timeoutMs?: number;
}

/** Protocol errors kept per stream: the first ones say what went wrong; a flood would only cost memory. */
const MAX_ERRORS = 100;
/** Non-frame WS messages kept: replies to the tests' own requests, a few hundred at most. */
const MAX_MESSAGES = 10000;
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** What MJPEG and WS streams share: the socket, the part history, the waits. */
abstract class StreamBase {
  /** The newest parts, oldest first (at most maxParts). */
  readonly parts: StreamPart[] = [];
  /** Parts received so far. */
  received = 0;
  /** Parts that fell out of `parts` (over maxParts). */
  dropped = 0;
  /** Parts next() could not return because they were gone before the test read them. */
  lost = 0;
  /** Contract violations seen on the wire, in order. */
  readonly protocolErrors: string[] = [];
  /** TCP connections this stream used: a stream never reconnects, so it stays 1. */
  readonly sockets = 1;
  /** Announces every part, message and the end of the connection. */
  readonly changes = new Changes();
  /** Resolves when the connection is over, whoever ended it. */
  readonly ended: Promise<void>;
  /** The socket error that ended the connection, if one did. */
  socketError: string | null = null;
  protected readonly socket: net.Socket;
  readonly #keepJpegs: number;
  readonly #maxParts: number;
  /** Index of the part next() returns. */
  #cursor = 0;
  #finished = false;
  #resolveEnded!: () => void;

  constructor(readonly url: URL, protected readonly options: StreamOptions) {
    this.#keepJpegs = options.keepJpegs ?? 64;
    this.#maxParts = options.maxParts ?? 4096;
    this.ended = new Promise((r) => (this.#resolveEnded = r));
    const secure = url.protocol === 'https:' || url.protocol === 'wss:';
    const port = Number(url.port) || (secure ? 443 : 80);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    this.socket = secure
      ? tls.connect({ host, port, ca: options.ca, servername: net.isIP(host) ? undefined : host })
      : net.connect({ host, port });
    this.socket.on('data', (d: Buffer) => this.onData(d));
    this.socket.on('error', (err) => (this.socketError ??= err.message));
    this.socket.on('close', () => this.finish());
  }

  /** True once the connection is over. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Host header value: the URL's, unless the caller set one. */
  protected hostHeader(): string {
    return this.options.headers?.host ?? this.options.headers?.Host ?? this.url.host;
  }

  /** The caller's headers other than Host, as request lines. */
  protected extraHeaderLines(): string {
    let out = '';
    for (const [k, v] of Object.entries(this.options.headers ?? {})) if (k.toLowerCase() !== 'host') out += `${k}: ${v}\r\n`;
    return out;
  }

  protected abstract onData(d: Buffer): void;

  protected protocolError(message: string): void {
    if (this.protocolErrors.length < MAX_ERRORS) this.protocolErrors.push(message);
    this.changes.notify();
  }

  protected addPart(p: Omit<StreamPart, 'index' | 'at'>): void {
    this.parts.push({ ...p, index: this.received++, at: Date.now() });
    if (this.parts.length > this.#keepJpegs) this.parts[this.parts.length - 1 - this.#keepJpegs].jpeg = null;
    if (this.parts.length > this.#maxParts) {
      this.parts.shift();
      this.dropped++;
    }
    this.changes.notify();
  }

  protected finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#resolveEnded();
    this.changes.notify();
  }

  /** Why waiting on is pointless, for error messages. */
  #endedText(): string {
    return `the stream ended after ${this.received} parts${this.socketError ? ` (${this.socketError})` : ''}` +
      `${this.protocolErrors.length ? `; protocol errors: ${this.protocolErrors.slice(0, 3).join('; ')}` : ''}`;
  }

  /** Parts that arrived at index `from` or later and are still held. */
  since(from: number): StreamPart[] {
    return this.parts.filter((p) => p.index >= from);
  }

  /** Resolves once `n` parts arrived in total; rejects if the stream ends first or after `timeoutMs`. */
  async waitParts(n: number, timeoutMs = 10000): Promise<void> {
    await waitFor(() => {
      if (this.received >= n) return true;
      if (this.#finished) throw new Error(`waiting for ${n} parts of ${this.url.pathname}: ${this.#endedText()}`);
      return false;
    }, `${n} parts of ${this.url.pathname} (${this.received} so far)`, { timeoutMs, wake: this.changes });
  }

  /** The next part not yet returned, with its JPEG; parts whose JPEG is already gone are skipped and counted in `lost`. */
  async next(timeoutMs = 10000): Promise<StreamPart & { jpeg: Buffer }> {
    return waitFor(() => {
      const p = this.#take();
      if (p) return p;
      if (this.#finished) throw new Error(`waiting for part ${this.#cursor} of ${this.url.pathname}: ${this.#endedText()}`);
      return null;
    }, `part ${this.#cursor} of ${this.url.pathname}`, { timeoutMs, wake: this.changes });
  }

  #take(): (StreamPart & { jpeg: Buffer }) | null {
    const base = this.received - this.parts.length;
    if (this.#cursor < base) {
      this.lost += base - this.#cursor;
      this.#cursor = base;
    }
    while (this.#cursor < this.received) {
      const p = this.parts[this.#cursor - base];
      this.#cursor++;
      if (p.jpeg) return p as StreamPart & { jpeg: Buffer };
      this.lost++;
    }
    return null;
  }

  /** Reads parts (decoded small) until `pred` holds for one; throws after `timeoutMs` or if the stream ends. */
  async until(pred: (p: StreamPart & { jpeg: Buffer }, img: DecodedFrame) => boolean, timeoutMs: number): Promise<{ part: StreamPart & { jpeg: Buffer }; img: DecodedFrame; skipped: number }> {
    const deadline = Date.now() + timeoutMs;
    let skipped = 0;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching part within ${timeoutMs} ms (${skipped} others) on ${this.url.pathname}`);
      const part = await this.next(left);
      const img = await decodeSmall(part.jpeg);
      if (pred(part, img)) return { part, img, skipped };
      skipped++;
    }
  }

  /** Stops reading from the socket (a stalled viewer); what we send still goes out. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** Drops the connection at once. */
  terminate(): void {
    this.socket.destroy();
  }
}

/** GET /video_feed and friends: multipart/x-mixed-replace parts. */
export class MjpegStream extends StreamBase {
  /** The response status (0 until the head arrived). */
  status = 0;
  /** Response headers, names in lower case. */
  headers: Record<string, string> = {};
  /** The server ended the stream properly: the closing boundary or the last chunk arrived. */
  completed = false;
  readonly #parser: MjpegParser;
  /** JPEG byte ranges of the part being read. */
  #chunks: Uint8Array[] = [];
  /** Headers of the part being read. */
  #partHeaders: Record<string, string> = {};
  #headSeen = new Changes();

  constructor(url: URL, options: StreamOptions) {
    super(url, options);
    this.#parser = new MjpegParser({
      head: (status, headers) => {
        this.status = status;
        this.headers = Object.fromEntries(headers);
        this.#headSeen.notify();
      },
      part: (head) => (this.#partHeaders = headerRecord(head)),
      body: (bytes) => this.#chunks.push(bytes),
      frame: (info) => {
        const jpeg = Buffer.concat(this.#chunks);
        this.#chunks = [];
        const h = this.#partHeaders;
        const at = `part ${this.received}`;
        if (h['content-type'] !== 'image/jpeg') this.protocolError(`${at}: Content-Type ${h['content-type']}`);
        if (!Number.isInteger(info.frameId)) this.protocolError(`${at}: X-Frame-Id ${h['x-frame-id']}`);
        if (!Number.isFinite(info.timestamp)) this.protocolError(`${at}: X-Timestamp ${h['x-timestamp']}`);
        if (!info.valid) this.protocolError(`${at}: not a whole JPEG (SOI/EOI markers)`);
        this.addPart({ id: info.frameId, timestamp: info.timestamp, length: jpeg.length, valid: info.valid, headers: h, meta: null, jpeg });
      },
      // A refused stream (503, 401 ...) is an answer, not a protocol error.
      error: (message) => {
        if (this.status === 200) this.protocolError(message);
        this.socket.destroy();
      },
      end: () => {
        this.completed = true;
        this.socket.end();
      },
    });
    this.#parser.capture = true;
    this.socket.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${this.hostHeader()}\r\n${this.extraHeaderLines()}\r\n`);
  }

  protected onData(d: Buffer): void {
    this.#parser.push(d);
  }

  /** Resolves once the response head arrived; rejects if the connection fails first. */
  async opened(): Promise<this> {
    await waitFor(() => {
      if (this.status) return true;
      if (this.finished) throw new Error(`GET ${this.url.pathname}: no response (${this.socketError ?? 'connection closed'})`);
      return false;
    }, `the response head of ${this.url.pathname}`, { timeoutMs: this.options.timeoutMs ?? 10000, wake: this.#headSeen, everyMs: 50 });
    return this;
  }

  /** Closes the connection (the viewer leaves). */
  close(): void {
    this.socket.destroy();
  }
}

/** WS /ws/video_feed: JSON meta, then the binary JPEG, per frame; other JSON messages in `messages`. */
export class WsStream extends StreamBase {
  /** The upgrade answer's status (101 when it opened; 0 until it arrived). */
  status = 0;
  /** JSON messages other than frame metas (pong, error, quality ...). */
  readonly messages: Record<string, unknown>[] = [];
  /** How the server closed the connection (1006 when it closed without a close frame). */
  readonly closed: Promise<{ code: number; reason: string }>;
  closeInfo: { code: number; reason: string } | null = null;
  readonly #parser: WsParser;
  /** The meta waiting for its JPEG. */
  #meta: WsMeta | null = null;
  #chunks: Uint8Array[] = [];
  #resolveClosed!: (c: { code: number; reason: string }) => void;
  #headSeen = new Changes();

  constructor(url: URL, options: StreamOptions) {
    super(url, options);
    this.closed = new Promise((r) => (this.#resolveClosed = r));
    const { request, key } = upgradeRequest(this.hostHeader(), `${url.pathname}${url.search}`);
    this.#parser = new WsParser({
      head: (status, headers) => {
        this.status = status;
        if (status === 101) {
          const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
          if (headers.get('sec-websocket-accept') !== accept) this.protocolError(`Sec-WebSocket-Accept ${headers.get('sec-websocket-accept')} (want ${accept})`);
        }
        this.#headSeen.notify();
      },
      text: (text) => this.#text(text),
      body: (bytes) => this.#chunks.push(bytes),
      binary: (length, valid) => this.#binary(length, valid),
      ping: (payload) => this.socket.write(maskedFrame(0xa, payload)),
      close: (code, reason) => {
        this.closeInfo ??= { code, reason };
        // Answer the close handshake, echoing the code, then let the server end the TCP connection.
        if (!this.socket.destroyed && !this.socket.writableEnded) this.socket.end(maskedFrame(0x8, closePayload(code === 1005 ? null : code)));
        this.changes.notify();
      },
      error: (message) => {
        if (this.status === 101) this.protocolError(message);
        this.socket.destroy();
      },
    });
    this.#parser.capture = true;
    // The upgrade request with the caller's headers added before its blank line.
    this.socket.write(request.slice(0, -2) + this.extraHeaderLines() + '\r\n');
  }

  protected onData(d: Buffer): void {
    this.#parser.push(d);
  }

  protected override finish(): void {
    this.closeInfo ??= { code: 1006, reason: '' };
    this.#resolveClosed(this.closeInfo);
    super.finish();
  }

  #text(text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.protocolError(`a text message that is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
      return;
    }
    const m = msg as Record<string, unknown>;
    if (m !== null && typeof m === 'object' && m.type === 'frame') {
      if (this.#meta) this.protocolError('two metas in a row');
      this.#meta = m as unknown as WsMeta;
      return;
    }
    if (this.messages.length < MAX_MESSAGES) this.messages.push(m);
    this.changes.notify();
  }

  #binary(length: number, valid: boolean): void {
    const jpeg = Buffer.concat(this.#chunks);
    this.#chunks = [];
    const meta = this.#meta;
    this.#meta = null;
    if (!meta) {
      this.protocolError('binary without meta');
      return;
    }
    if (meta.size !== length) this.protocolError(`size ${meta.size} != ${length}`);
    if (!valid) this.protocolError(`frame ${meta.frame_id}: not a whole JPEG (SOI/EOI markers)`);
    this.addPart({ id: meta.frame_id, timestamp: meta.timestamp, length, valid, headers: {}, meta, jpeg });
  }

  /** Resolves once the upgrade was answered 101; rejects with the status when refused. */
  async opened(): Promise<this> {
    await waitFor(() => {
      if (this.status === 101) return true;
      if (this.status) throw new Error(`upgrade refused: ${this.status}`);
      if (this.finished) throw new Error(`WS ${this.url.pathname}: no upgrade answer (${this.socketError ?? 'connection closed'})`);
      return false;
    }, `the upgrade answer of ${this.url.pathname}`, { timeoutMs: this.options.timeoutMs ?? 10000, wake: this.#headSeen, everyMs: 50 });
    return this;
  }

  /** Sends a text message: a string as is, anything else as JSON. */
  send(msg: unknown): void {
    this.socket.write(maskedFrame(0x1, Buffer.from(typeof msg === 'string' ? msg : JSON.stringify(msg))));
  }

  /** The first message (other than frame metas) for which `pred` holds, waiting up to `timeoutMs`. */
  waitMessage(pred: (m: Record<string, unknown>) => boolean, timeoutMs = 5000): Promise<Record<string, unknown>> {
    return waitFor(() => {
      const m = this.messages.find(pred);
      if (m) return m;
      if (this.finished) throw new Error(`waiting for a message on ${this.url.pathname}: closed with ${this.closeInfo?.code}`);
      return undefined;
    }, `a matching message on ${this.url.pathname} (${this.messages.length} others)`, { timeoutMs, wake: this.changes });
  }

  /** Starts the close handshake (the viewer leaves politely). */
  close(code = 1000): void {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    this.socket.end(maskedFrame(0x8, closePayload(code)));
  }
}

/** Opens an MJPEG stream; resolves once the response head arrived (check `status`). */
export function openMjpeg(url: string, options: StreamOptions = {}): Promise<MjpegStream> {
  return new MjpegStream(new URL(url), options).opened();
}

/** Opens a WebSocket; resolves once it is open; rejects with "upgrade refused: <status>" when refused. */
export function openWs(url: string, options: StreamOptions = {}): Promise<WsStream> {
  const s = new WsStream(new URL(url), options);
  return s.opened().catch((err) => {
    s.terminate();
    throw err;
  });
}

/** The status a WebSocket upgrade gets: 101 when it opens (then dropped at once), else the refusal's code. */
export async function wsUpgradeStatus(url: string, options: StreamOptions = {}): Promise<number> {
  const s = new WsStream(new URL(url), options);
  try {
    await s.opened();
  } catch (err) {
    if (!s.status) throw err;
  } finally {
    s.terminate();
  }
  return s.status;
}

/** Parts per second among `parts` that arrived in [fromMs, toMs] (epoch ms). */
export function rate(parts: StreamPart[], fromMs: number, toMs: number): number {
  const n = parts.filter((p) => p.at >= fromMs && p.at <= toMs).length;
  return (n * 1000) / (toMs - fromMs);
}

/** A part's header block (boundary line first) as a record with lower-case names. */
function headerRecord(head: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of head.split('\r\n').slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

function closePayload(code: number | null): Buffer {
  if (code === null) return Buffer.alloc(0);
  const b = Buffer.alloc(2);
  b.writeUInt16BE(code, 0);
  return b;
}

/** A masked client frame of any size (RFC 6455 requires clients to mask). */
function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  const ext = n < 126 ? 0 : n < 65536 ? 2 : 8;
  const out = Buffer.alloc(2 + ext + 4 + n);
  out[0] = 0x80 | opcode;
  if (ext === 0) out[1] = 0x80 | n;
  else if (ext === 2) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(n, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeBigUInt64BE(BigInt(n), 2);
  }
  const mask = randomBytes(4);
  mask.copy(out, 2 + ext);
  for (let i = 0; i < n; i++) out[6 + ext + i] = payload[i] ^ mask[i & 3];
  return out;
}
