// Messages between the bench driver and its load-generator processes (IPC).

import type { SparseHistogram } from './histogram.js';

export type LoadKind = 'mjpeg' | 'ws' | 'status';

export interface OpenCommand {
  cmd: 'open';
  host: string;
  port: number;
  kind: LoadKind;
  /** Request path with query, e.g. /video_feed?fps=30 */
  path: string;
  count: number;
  /** How many of `count` will stop reading on 'stall'. */
  slow: number;
  /** Keep one JPEG of the first client, for the driver to decode. */
  sample: boolean;
  /** Give up waiting for first frames after this. */
  timeoutMs: number;
}

export type DriverCommand =
  | OpenCommand
  | { cmd: 'mark' }
  | { cmd: 'stall' }
  | { cmd: 'report' }
  | { cmd: 'close' };

export interface OpenedMessage {
  type: 'opened';
  /** Clients that received a first frame (streams) or connected (status). */
  ready: number;
  failed: number;
  errors: string[];
}

export interface WindowReport {
  type: 'report';
  windowMs: number;
  /** Frames (or responses) per fast client in the window. */
  fastFrames: number[];
  /** Frames per slow client in the window. */
  slowFrames: number[];
  jpegBytes: number;
  wireBytes: number;
  invalidFrames: number;
  /** Frame ids that went backwards or repeated. */
  outOfOrder: number;
  latency: SparseHistogram;
  /** This process's CPU in the window, µs. */
  cpuUserUs: number;
  cpuSystemUs: number;
  /** Event-loop utilisation in the window (0..1): near 1 means this generator is saturated. */
  elu: number;
  errors: string[];
  /** Streams that ended or failed during the window. */
  lost: number;
}

export interface SampleMessage {
  type: 'sample';
  jpegBase64: string;
}

export interface ProgressMessage {
  type: 'progress';
  frames: number;
}

export type LoadgenMessage = OpenedMessage | WindowReport | SampleMessage | ProgressMessage;
