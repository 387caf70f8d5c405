// Chooses the frame source from config (source.type).

import type { SkyfeedConfig } from '../config/types.js';
import type { FrameSource } from './source.js';
import { SyntheticSource } from './synthetic-source.js';

export function createSource(config: SkyfeedConfig): FrameSource {
  const src = config.source;
  switch (src.type) {
    case 'synthetic':
      return new SyntheticSource({ fps: config.streaming.fps, scene: src.scene ?? 'moving' });
    default:
      throw new Error(`source.type ${src.type} is not available in this build`);
  }
}
