// The one interface every frame source implements (synthetic, V4L2, ffmpeg).
// A source writes raw frames into the capture ring and announces each new
// sequence number; the pipeline does the rest.

import type { RawRing } from '../pipeline/raw-ring.js';

/** Health states as the original's /api/video/health reports them. */
export type SourceState = 'healthy' | 'degraded' | 'recovering' | 'failed' | 'unavailable';

export interface SourceHealth {
  state: SourceState;
  type: string;
  /** Frames delivered since start. */
  frames: number;
  /** Epoch ms of the newest frame, 0 before the first. */
  lastFrameAt: number;
  consecutiveFailures: number;
  recoveryAttempts: number;
  lastError: string | null;
}

export interface FrameSink {
  /** A frame with sequence `seq` is complete in the raw ring. */
  frame(seq: number): void;
}

export interface FrameSource {
  readonly type: string;
  /** Starts delivering into `ring`; resolves once the source is running. */
  open(ring: RawRing, sink: FrameSink): Promise<void>;
  /** Stops the source; idempotent. */
  close(): Promise<void>;
  health(): SourceHealth;
}
