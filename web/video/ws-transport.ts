// WebSocket video (/ws/video_feed): a JSON meta message then the JPEG per
// frame, decoded off the main thread (createImageBitmap) and drawn into a
// canvas. The meta's frame id, capture time and box belong to exactly the
// picture drawn, so the overlay is in sync by construction.

import type { FrameInfo, Transport, TransportHooks } from './transport.js';
import { TransportBase, wsUrl } from './transport.js';

/** No picture this long after opening: give up (the panel falls back). */
const FIRST_FRAME_MS = 6000;

export class WsTransport extends TransportBase implements Transport {
  readonly kind = 'ws' as const;
  readonly el = document.createElement('canvas');
  readonly #ws: WebSocket;
  // Meta of the JPEG that comes next.
  #meta: FrameInfo | null = null;
  // At most one decode in flight and one JPEG waiting (the newest): a slow tab skips frames instead of queueing them.
  #decoding = false;
  #waiting: { blob: Blob; meta: FrameInfo | null } | null = null;
  #latency: number | null = null;

  constructor(hooks: TransportHooks) {
    super(hooks, FIRST_FRAME_MS, 'no frame over the websocket');
    this.el.width = 0;
    this.el.height = 0;
    const ws = new WebSocket(wsUrl('ws/video_feed'));
    ws.binaryType = 'blob';
    this.#ws = ws;
    ws.onmessage = (ev) => {
      if (typeof ev.data === 'string') return this.#onText(ev.data);
      this.#onJpeg(ev.data as Blob, this.#meta);
      this.#meta = null;
    };
    ws.onclose = (ev) => this.fail(`websocket closed (${ev.code}${ev.reason ? ` ${ev.reason}` : ''})`);
  }

  #onText(text: string): void {
    let m: any;
    try {
      m = JSON.parse(text);
    } catch {
      return;
    }
    if (m?.type !== 'frame') return;
    this.#meta = {
      frameId: typeof m.frame_id === 'number' ? m.frame_id : null,
      timestamp: typeof m.timestamp === 'number' ? m.timestamp : null,
      box: Array.isArray(m.box) ? m.box : null,
      targetState: typeof m.target_state === 'string' ? m.target_state : null,
    };
  }

  #onJpeg(blob: Blob, meta: FrameInfo | null): void {
    if (this.#decoding) {
      this.#waiting = { blob, meta };
      return;
    }
    this.#decoding = true;
    createImageBitmap(blob).then((bmp) => {
      if (!this.closed) this.#draw(bmp, meta);
      bmp.close();
    }, () => undefined).finally(() => {
      this.#decoding = false;
      const w = this.#waiting;
      this.#waiting = null;
      if (w && !this.closed) this.#onJpeg(w.blob, w.meta);
    });
  }

  #draw(bmp: ImageBitmap, meta: FrameInfo | null): void {
    if (this.el.width !== bmp.width || this.el.height !== bmp.height) {
      this.el.width = bmp.width;
      this.el.height = bmp.height;
    }
    this.el.getContext('2d')!.drawImage(bmp, 0, 0);
    this.gotFrame = true;
    const info = meta ?? { frameId: null, timestamp: null };
    if (info.timestamp !== null) this.#latency = Date.now() - info.timestamp * 1000;
    this.hooks.onFrame(info);
  }

  size() {
    return { w: this.el.width, h: this.el.height };
  }

  latencyMs(): number | null {
    return this.#latency;
  }


  protected release(): void {
    this.#ws.onclose = null;
    this.#ws.close();
  }
}
