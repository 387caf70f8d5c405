// The JPEG side of the engine on a frame bus, with a synthetic camera, in
// the test's process: what the encode and fan-out tests drive directly.

import { FrameBus } from '../../lib/bus/frame-bus.js';
import { SyntheticSource } from '../../lib/capture/synthetic-source.js';
import { JpegPipeline } from '../../lib/encode/jpeg-pipeline.js';
import { PoolEncoder } from '../../lib/encode/pool-encoder.js';
import { InlineEncoder } from '../../lib/encode/inline-encoder.js';

export interface RigOptions {
  width: number;
  height: number;
  workers: number;
  ringSlots: number;
  encodedSlots: number;
  skipIdentical: boolean;
  enableCache: boolean;
  cacheTtlMs: number;
  /** 'inline': the benchmark's main-thread encoder. */
  encoder: 'pool' | 'inline';
  /** Camera rate; 0 = demand-paced. */
  fps: number;
  scene: 'moving' | 'static';
}

export interface Rig {
  bus: FrameBus;
  jpeg: JpegPipeline;
  source: SyntheticSource;
  close(): Promise<void>;
}

const DEFAULTS: RigOptions = {
  width: 320, height: 240, workers: 2, ringSlots: 6, encodedSlots: 16, skipIdentical: true,
  enableCache: true, cacheTtlMs: 100, encoder: 'pool', fps: 30, scene: 'moving',
};

export async function startRig(over: Partial<RigOptions> = {}): Promise<Rig> {
  const o = { ...DEFAULTS, ...over };
  const bus = new FrameBus({ slots: o.ringSlots, width: o.width, height: o.height, slotBytes: o.width * o.height * 3 });
  const encoder = o.encoder === 'inline' ? new InlineEncoder() : new PoolEncoder(o.workers);
  const jpeg = new JpegPipeline(bus, encoder, {
    encodedSlots: o.encodedSlots, skipIdentical: o.skipIdentical, enableCache: o.enableCache, cacheTtlMs: o.cacheTtlMs,
  });
  await jpeg.start();
  const source = new SyntheticSource({ fps: o.fps, scene: o.scene });
  await source.open(bus.ring, bus.sink);
  let closed: Promise<void> | null = null;
  return {
    bus, jpeg, source,
    close: () => (closed ??= (async () => {
      await source.close();
      await jpeg.close();
    })()),
  };
}
