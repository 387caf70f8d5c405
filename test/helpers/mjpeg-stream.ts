// A real HTTP client for GET /video_feed that splits the multipart body into
// JPEG parts as they arrive, on one connection, for tests to inspect.

import http from 'node:http';
import sharp from 'sharp';

export interface Part {
  jpeg: Buffer;
  headers: Record<string, string>;
  at: number;
}

export class MjpegStream {
  readonly req: http.ClientRequest;
  /** Parts received and not yet taken (bounded: oldest dropped beyond 512, counted). */
  readonly #parts: Part[] = [];
  #waiter: (() => void) | null = null;
  #buf = Buffer.alloc(0);
  #ended = false;
  /** TCP connections this stream used (must stay 1). */
  sockets = 0;
  received = 0;
  /** Parts dropped by this client because the test read too slowly. */
  lost = 0;

  constructor(url: string) {
    this.req = http.get(url, { agent: false }, (res) => {
      res.on('data', (d: Buffer) => this.#push(d));
      res.on('end', () => this.#end());
      res.on('error', () => this.#end());
    });
    this.req.on('socket', () => this.sockets++);
    this.req.on('error', () => this.#end());
  }

  #end(): void {
    this.#ended = true;
    this.#waiter?.();
  }

  #push(d: Buffer): void {
    this.#buf = Buffer.concat([this.#buf, d]);
    for (;;) {
      const start = this.#buf.indexOf('--frame\r\n');
      if (start < 0) return;
      const headEnd = this.#buf.indexOf('\r\n\r\n', start);
      if (headEnd < 0) return;
      const head = this.#buf.subarray(start + 9, headEnd).toString('latin1');
      const headers: Record<string, string> = {};
      for (const line of head.split('\r\n')) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      const len = Number(headers['content-length']);
      const bodyStart = headEnd + 4;
      if (this.#buf.length < bodyStart + len) return;
      const jpeg = Buffer.from(this.#buf.subarray(bodyStart, bodyStart + len));
      this.#buf = this.#buf.subarray(bodyStart + len);
      this.#parts.push({ jpeg, headers, at: Date.now() });
      this.received++;
      if (this.#parts.length > 512) {
        this.#parts.shift();
        this.lost++;
      }
      this.#waiter?.();
    }
  }

  /** The next part, or throws after `timeoutMs`. */
  async next(timeoutMs = 10000): Promise<Part> {
    const deadline = Date.now() + timeoutMs;
    while (this.#parts.length === 0) {
      if (this.#ended) throw new Error('stream ended');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.#waiter = null;
    }
    return this.#parts.shift()!;
  }

  /** Reads parts until `pred` holds for one (decoded), or throws after `timeoutMs`. */
  async until(pred: (p: Part, img: DecodedFrame) => boolean, timeoutMs: number): Promise<{ part: Part; img: DecodedFrame; skipped: number }> {
    const deadline = Date.now() + timeoutMs;
    let skipped = 0;
    for (;;) {
      const part = await this.next(Math.max(1, deadline - Date.now()));
      // Classifying needs only a thumbnail: JPEG shrink-on-load keeps a loaded CI fast.
      const img = await decodeSmall(part.jpeg);
      if (pred(part, img)) return { part, img, skipped };
      skipped++;
    }
  }

  close(): void {
    this.req.destroy();
  }
}

export interface DecodedFrame {
  width: number;
  height: number;
  data: Buffer;
}

export async function decode(jpeg: Buffer): Promise<DecodedFrame> {
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

/** Decodes at 1/8 size or so (DCT scaling): enough to classify a frame, much cheaper. */
export async function decodeSmall(jpeg: Buffer): Promise<DecodedFrame> {
  const { data, info } = await sharp(jpeg).resize(80, 60, { fit: 'fill', fastShrinkOnLoad: true }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

/** A NO SIGNAL frame: mostly the generator's flat dark grey (24,24,24), after JPEG. */
export function isNoSignal(img: DecodedFrame): boolean {
  let grey = 0;
  const n = img.width * img.height;
  for (let i = 0; i < n * 3; i += 3) {
    const r = img.data[i], g = img.data[i + 1], b = img.data[i + 2];
    if (Math.abs(r - 24) < 14 && Math.abs(g - 24) < 14 && Math.abs(b - 24) < 14) grey++;
  }
  return grey / n > 0.85;
}

/** The JPEG carries ffmpeg's encoder comment (COM "Lavc..."): it was passed through, not re-encoded. */
export function hasLavcComment(jpeg: Buffer): boolean {
  return jpeg.subarray(0, 512).includes('Lavc');
}
