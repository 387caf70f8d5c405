// Ablation (b): an MJPEG stream client on a node:http ServerResponse instead
// of uWS. Same pacing, drop and adaptive-quality rules (StreamClient), same
// wire format; backpressure is res.write()'s return value and 'drain'.

import type { ServerResponse } from 'node:http';
import { StreamClient, type EncodedFrame, type QualityPolicy } from '../../lib/index.js';

// node:http queues a write by reference when the socket cannot take it at
// once, and the encoded-ring slot behind frame.part is reused a few frames
// later. So each published frame is copied out of the ring once (shared by
// all clients, not per client), as a plain Node server holding its JPEG in a
// Buffer would have it.
let copiedFrom: EncodedFrame | null = null;
let copy: Buffer = Buffer.alloc(0);
function partBuffer(frame: EncodedFrame): Buffer {
  if (frame !== copiedFrom) {
    copiedFrom = frame;
    copy = Buffer.from(frame.part);
  }
  return copy;
}

export class NodeHttpMjpegClient extends StreamClient {
  readonly kind = 'mjpeg' as const;
  readonly #res: ServerResponse;
  #busy = false;

  constructor(res: ServerResponse, remote: string, quality: number, fps: number, policy: QualityPolicy, sourceFps: number, onEnd: (c: NodeHttpMjpegClient) => void) {
    super(remote, quality, fps, policy, sourceFps);
    this.#res = res;
    res.on('drain', () => {
      this.#busy = false;
    });
    res.on('close', () => {
      this.closed = true;
      onEnd(this);
    });
  }

  protected busy(): boolean {
    return this.#busy;
  }

  protected send(frame: EncodedFrame): number {
    const buf = partBuffer(frame);
    if (!this.#res.write(buf)) this.#busy = true;
    return buf.length;
  }

  abort(): void {
    if (this.closed) return;
    this.#res.destroy(); // emits 'close', which ends the client
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.#res.end('--frame--\r\n');
  }
}
