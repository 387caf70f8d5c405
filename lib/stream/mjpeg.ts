// GET /video_feed: multipart/x-mixed-replace over uWS. Each frame goes out as
// one write of one view into the encoded ring (header, JPEG and CRLF are laid
// out contiguously there), corked so it is one syscall per client per frame.

import type { HttpResponse } from 'uWebSockets.js';
import type { EncodedFrame } from '../encode/encoded-frame.js';
import { StreamClient } from './stream-client.js';
import type { QualityPolicy } from '../policy/quality-tiers.js';

export class MjpegClient extends StreamClient {
  readonly kind = 'mjpeg' as const;
  readonly #res: HttpResponse;
  #busy = false;
  /** The frame being written; read by #write, which is bound once. */
  #frame: EncodedFrame | null = null;
  readonly #headers: [string, string][];
  #headersSent = false;
  readonly #onEnd: (c: MjpegClient) => void;
  // Bound once at connect: cork() needs a callback, and a fresh closure per
  // frame per client is exactly the allocation the hot path must avoid.
  readonly #write = (): void => {
    if (!this.#headersSent) this.#writeHead();
    if (!this.#res.write(this.#frame!.part)) this.#busy = true;
  };

  constructor(
    res: HttpResponse, remote: string, quality: number, fps: number, policy: QualityPolicy,
    sourceFps: number, headers: [string, string][], onEnd: (c: MjpegClient) => void,
  ) {
    super(remote, quality, fps, policy, sourceFps);
    this.#res = res;
    this.#headers = headers;
    this.#onEnd = onEnd;
    res.onWritable(() => {
      this.#busy = false;
      return true;
    });
    res.onAborted(() => this.#ended());
  }

  #writeHead(): void {
    this.#headersSent = true;
    this.#res.writeStatus('200 OK');
    for (const [k, v] of this.#headers) this.#res.writeHeader(k, v);
  }

  protected busy(): boolean {
    return this.#busy;
  }

  protected send(frame: EncodedFrame): number {
    this.#frame = frame;
    this.#res.cork(this.#write);
    this.#frame = null;
    return frame.part.length;
  }

  #ended(): void {
    if (this.closed) return;
    this.closed = true;
    // Aborted by uWS while our last frame still sat unsent and frames were
    // being skipped for it: the client stopped reading.
    this.endedStalled = this.#busy && this.stalledSeconds > 0;
    this.#onEnd(this);
  }

  abort(): void {
    if (this.closed) return;
    this.closed = true; // the fan-out counts this one itself
    this.#res.close();
    this.#onEnd(this);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.#res.cork(() => {
      if (!this.#headersSent) this.#writeHead();
      this.#res.end('--frame--\r\n');
    });
    this.#onEnd(this);
  }
}
