// The one interface every frame source implements (synthetic, V4L2, ffmpeg).
// A source writes frames into the capture ring and announces each new
// sequence number; the pipeline does the rest. A frame is raw pixels (RGB24,
// YUYV) or a complete JPEG (PixelFormat.JPEG, e.g. an MJPEG camera): the slot's
// format field says which, so "already JPEG" frames use the same path.

import type { RawRing } from '../bus/raw-ring.js';
import type { TruthRecord } from './synthetic/truth-history.js';
import type { CameraPose } from './synthetic/camera-pose.js';

/** How long a forced reconnect (POST /api/video/reconnect) waits for the first new frame. */
export const RECONNECT_WAIT_MS = 3000;

/** Health states as /api/video/health reports them. */
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
  // Optional fields (added for the real sources; /api/video/health maps them):
  /** A connection attempt is in progress or scheduled. */
  isRecovering?: boolean;
  /** The device / ffmpeg process is open and delivering. */
  connectionOpen?: boolean;
  /** Epoch ms of the next automatic attempt, 0 when none is scheduled. */
  nextRecoveryAt?: number;
  /** fps asked for (0: as fast as the source goes). */
  requestedFps?: number;
  /** Live frames per second over the last few seconds. */
  effectiveFps?: number;
  /** Epoch ms when the live signal was lost, 0 while live. */
  lostAt?: number;
  /** Live format the source negotiated, e.g. "mjpeg 1280x720@30". */
  format?: string;
}

export interface FrameSink {
  /** A frame with sequence `seq` is complete in the raw ring. */
  frame(seq: number): void;
}

export interface FrameSource {
  readonly type: string;
  /**
   * Starts delivering into `ring`; resolves once the source is running. The
   * real sources (v4l2, ffmpeg) resolve even when the device is absent: they
   * serve NO SIGNAL frames and keep reconnecting (see resilient-source.ts).
   */
  open(ring: RawRing, sink: FrameSink): Promise<void>;
  /** Stops the source; idempotent. */
  close(): Promise<void>;
  health(): SourceHealth;
  /**
   * Forces a reconnection attempt now (POST /api/video/reconnect). Resolves
   * true when live frames flow again within a few seconds, false otherwise.
   * Optional: the synthetic source has nothing to reconnect.
   */
  reconnect?(): Promise<boolean>;
  /** Synthetic camera only: the true target boxes of a recent frame (null when not kept). */
  groundTruth?(frameId: number): TruthRecord | null;
  /** Synthetic camera only: render from this pose (the simulated vehicle's); null: the scene's own. */
  setPose?(pose: CameraPose | null): void;
  /** Synthetic camera only: stop (true) or resume new frames, for the video-freeze drill. */
  setFrozen?(frozen: boolean): void;
}
