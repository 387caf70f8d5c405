// MJPEG (<img src=video_feed>): works everywhere, but the page cannot see
// the parts' headers, so there are no frame ids or capture times. Frames are
// counted by sampling the picture into a 16x12 canvas once per animation
// frame and watching its checksum change (the camera's noise changes every
// frame); the overlay follows the newest telemetry.

import type { Transport, TransportHooks } from './transport.js';
import { TransportBase } from './transport.js';

const FIRST_FRAME_MS = 6000;
const SW = 16;
const SH = 12;

export class MjpegTransport extends TransportBase implements Transport {
  readonly kind = 'mjpeg' as const;
  readonly el = document.createElement('img');
  // Reused every animation frame: the sampler allocates nothing but getImageData's small buffer.
  readonly #sample = document.createElement('canvas');
  readonly #sctx: CanvasRenderingContext2D;
  #sum = -1;
  #raf = 0;

  constructor(hooks: TransportHooks) {
    super(hooks, FIRST_FRAME_MS, 'no MJPEG frame');
    this.#sample.width = SW;
    this.#sample.height = SH;
    this.#sctx = this.#sample.getContext('2d', { willReadFrequently: true })!;
    this.el.alt = 'live camera stream';
    this.el.onerror = () => this.fail('the MJPEG stream failed');
    this.el.src = `video_feed?t=${Date.now()}`;
    this.#raf = requestAnimationFrame(this.#tick);
  }

  #tick = (): void => {
    if (this.closed) return;
    this.#raf = requestAnimationFrame(this.#tick);
    if (!this.el.naturalWidth) return;
    this.#sctx.drawImage(this.el, 0, 0, SW, SH);
    const d = this.#sctx.getImageData(0, 0, SW, SH).data;
    let sum = 0;
    for (let i = 0; i < d.length; i += 1) sum = (sum * 31 + d[i]) | 0;
    if (sum === this.#sum) return;
    this.#sum = sum;
    this.gotFrame = true;
    this.hooks.onFrame({ frameId: null, timestamp: null });
  };

  size() {
    return { w: this.el.naturalWidth, h: this.el.naturalHeight };
  }

  latencyMs(): number | null {
    return null;
  }


  protected release(): void {
    cancelAnimationFrame(this.#raf);
    this.el.onerror = null;
    // Dropping src ends the HTTP stream (the server frees the client slot).
    this.el.removeAttribute('src');
  }
}
