// A real MJPEG client: node:http plus an incremental multipart parser that
// keeps each part's headers, size and arrival time (and the JPEG bytes of
// the first few parts, for decoding).

import http from 'node:http';

export interface Part {
  id: number;
  timestamp: number;
  length: number;
  contentType: string;
  receivedAt: number;
  jpeg?: Buffer;
}

export interface MjpegStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  parts: Part[];
  /** Stop reading from the socket (a stalled viewer). */
  pause(): void;
  resume(): void;
  close(): void;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  /** Waits until `n` parts arrived (or rejects after timeoutMs). */
  waitParts(n: number, timeoutMs?: number): Promise<void>;
  body?: string;
}

const SEP = Buffer.from('\r\n\r\n');

export function openMjpeg(url: string, keepJpegs = 3): Promise<MjpegStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      const parts: Part[] = [];
      let buf: Buffer = Buffer.alloc(0);
      let endedResolve!: () => void;
      const ended = new Promise<void>((r) => (endedResolve = r));
      const waiters: { n: number; resolve: () => void }[] = [];
      const stream: MjpegStream = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        parts,
        pause: () => res.pause(),
        resume: () => res.resume(),
        close: () => req.destroy(),
        ended,
        waitParts(n, timeoutMs = 10000) {
          if (parts.length >= n) return Promise.resolve();
          return new Promise((ok, fail) => {
            const timer = setTimeout(() => fail(new Error(`only ${parts.length}/${n} parts within ${timeoutMs} ms`)), timeoutMs);
            waiters.push({ n, resolve: () => { clearTimeout(timer); ok(); } });
          });
        },
      };
      res.on('end', endedResolve);
      res.on('close', endedResolve);
      res.on('error', endedResolve);
      if (!String(res.headers['content-type']).startsWith('multipart/')) {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => { stream.body = body; resolve(stream); });
        return;
      }
      res.on('data', (chunk: Buffer) => {
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        for (;;) {
          const start = buf.indexOf('--frame\r\n');
          if (start < 0) break;
          const headEnd = buf.indexOf(SEP, start);
          if (headEnd < 0) break;
          const head = buf.subarray(start + 9, headEnd).toString('latin1');
          const h: Record<string, string> = {};
          for (const line of head.split('\r\n')) {
            const i = line.indexOf(':');
            if (i > 0) h[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
          }
          const len = Number(h['content-length']);
          const bodyStart = headEnd + 4;
          if (buf.length < bodyStart + len + 2) break;
          const part: Part = {
            id: Number(h['x-frame-id']), timestamp: Number(h['x-timestamp']), length: len,
            contentType: h['content-type'], receivedAt: Date.now(),
          };
          if (parts.length < keepJpegs) part.jpeg = Buffer.from(buf.subarray(bodyStart, bodyStart + len));
          if (buf[bodyStart + len] !== 13 || buf[bodyStart + len + 1] !== 10) throw new Error('part not followed by CRLF');
          parts.push(part);
          buf = buf.subarray(bodyStart + len + 2);
          for (let i = waiters.length - 1; i >= 0; i--) {
            if (parts.length >= waiters[i].n) { waiters[i].resolve(); waiters.splice(i, 1); }
          }
        }
      });
      resolve(stream);
    });
    req.on('error', reject);
  });
}

/** Frames per second over the parts received in [from, to] (epoch ms). */
export function rate(parts: Part[], fromMs: number, toMs: number): number {
  const n = parts.filter((p) => p.receivedAt >= fromMs && p.receivedAt <= toMs).length;
  return (n * 1000) / (toMs - fromMs);
}

export async function getJson(url: string): Promise<any> {
  const r = await fetch(url);
  return r.json();
}

/** Resident set size of a process in bytes (Linux /proc). */
export async function rssOf(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
