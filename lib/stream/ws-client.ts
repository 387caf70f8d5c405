// WS /ws/video_feed: per frame a JSON meta text message, then the binary
// JPEG (a view into the encoded ring; uWS copies it into the socket buffer
// only when the kernel cannot take it at once).

import type { WebSocket } from 'uWebSockets.js';
import type { EncodedFrame } from '../encode/encoded-frame.js';
import { StreamClient } from './stream-client.js';
import type { QualityPolicy } from '../policy/quality-tiers.js';

export interface WsUserData {
  remote: string;
  quality: number;
  fps: number;
  followsQuality: boolean;
  followsFps: boolean;
  /** Why the connection is refused once open (close 1008), or null. */
  rejected: string | null;
  client: WsClient | null;
}

export class WsClient extends StreamClient {
  readonly kind = 'ws' as const;
  readonly #ws: WebSocket<WsUserData>;
  #frame: EncodedFrame | null = null;
  /** Message rate window: start (ms) and messages seen in it. */
  #msgWindowAt = 0;
  #msgCount = 0;
  /** Replies not sent because the client was not reading (/stats websocket_clients[].replies_skipped). */
  repliesSkipped = 0;
  // Bound once at open; see MjpegClient for why.
  readonly #write = (): void => {
    this.#ws.send(this.#frame!.wsMeta, false);
    this.#ws.send(this.#frame!.jpeg, true);
  };

  constructor(ws: WebSocket<WsUserData>, remote: string, quality: number, fps: number, policy: QualityPolicy, sourceFps: number) {
    super(remote, quality, fps, policy, sourceFps);
    this.#ws = ws;
  }

  protected busy(): boolean {
    // Anything still buffered means the previous frame has not left yet.
    return this.#ws.getBufferedAmount() > 0;
  }

  protected send(frame: EncodedFrame): number {
    this.#frame = frame;
    this.#ws.cork(this.#write);
    this.#frame = null;
    return frame.length + frame.wsMeta.length;
  }

  /**
   * Counts one client message; false once the client has sent more than
   * `perSecond` within the current second. A flood of tiny messages would
   * otherwise take the event loop from every other client.
   */
  countMessage(nowMs: number, perSecond: number): boolean {
    if (nowMs - this.#msgWindowAt >= 1000) {
      this.#msgWindowAt = nowMs;
      this.#msgCount = 0;
    }
    return ++this.#msgCount <= perSecond;
  }

  /**
   * A reply (pong, error, ack). Skipped while more than `backlogLimit` bytes
   * wait in the socket: a frame is only sent into an empty socket, so that
   * much buffered means the client is not reading, and replies to a client
   * that sends but never reads would pile up without end.
   */
  sendJson(msg: unknown, backlogLimit: number): void {
    if (this.closed) return;
    if (this.#ws.getBufferedAmount() > backlogLimit) {
      this.repliesSkipped++;
      return;
    }
    this.#ws.send(JSON.stringify(msg), false);
  }

  abort(): void {
    if (this.closed) return;
    this.closed = true;
    this.#ws.close(); // immediate; the route's close handler removes the client
  }

  close(code = 1001, reason = 'Server shutting down'): void {
    if (this.closed) return;
    this.closed = true;
    this.#ws.end(code, reason);
  }
}
