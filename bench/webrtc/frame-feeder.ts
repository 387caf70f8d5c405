// Test and bench camera: the synthetic scene (the server's own camera
// picture: textured ground, sensor noise, moving targets, a counter) plus a
// machine-readable frame code, rendered at a fixed rate from a drift-free
// timer and offered to the encoder as a ring-slot-like view that is
// overwritten by the next frame. Capture times are kept for the last 4096
// frames (latency lookups).

import { SyntheticScene } from '../../lib/capture/synthetic/scenes.js';
import { drawFrameCode } from './frame-code.js';

export interface FrameSink {
  push(frame: Uint8Array, frameId: number, captureMs: number): boolean;
}

/** Capture times kept for latency lookups: 4096 frames = 136 s at 30 fps. */
const HISTORY = 4096;

const epochMs = () => performance.timeOrigin + performance.now();

export class FrameFeeder {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly #scene: SyntheticScene;
  /** The "ring slot": one buffer, overwritten every frame. */
  readonly #frame: Uint8Array;
  readonly #captured = new Float64Array(HISTORY).fill(NaN);
  #sinks: FrameSink[] = [];
  #timer: NodeJS.Timeout | null = null;
  #next = 0;
  #n = 0;
  /** Frames the sink refused (busy encoder). */
  refused = 0;

  constructor(width: number, height: number, fps: number) {
    this.width = width;
    this.height = height;
    this.fps = fps;
    this.#scene = new SyntheticScene(width, height);
    this.#frame = new Uint8Array(width * height * 3);
  }

  get frames(): number {
    return this.#n;
  }

  addSink(sink: FrameSink): void {
    this.#sinks.push(sink);
  }

  /** Capture time of frame `id` (epoch ms), NaN when unknown or too old. */
  captureMs(id: number): number {
    if (id < 0 || id >= this.#n || this.#n - id > HISTORY) return NaN;
    return this.#captured[id % HISTORY];
  }

  /** Renders frame `id` into `out` exactly as it was fed (for quality comparisons). */
  render(id: number, out: Uint8Array): void {
    this.#scene.render(id, out);
    drawFrameCode(out, this.width, this.height, id);
  }

  start(): void {
    if (this.#timer) return;
    this.#next = performance.now();
    this.#tick();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #tick(): void {
    const id = this.#n++;
    this.render(id, this.#frame);
    const now = epochMs();
    this.#captured[id % HISTORY] = now;
    for (const s of this.#sinks) if (!s.push(this.#frame, id, now)) this.refused++;
    // Schedule against the ideal timeline, so timer lateness does not accumulate.
    this.#next += 1000 / this.fps;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, this.#next - performance.now()));
  }
}
