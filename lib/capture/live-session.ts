// One connection to a live source (an opened V4L2 device, one ffmpeg
// process). A session either runs or is lost; it never reconnects by itself:
// ResilientSource starts a new session after a backoff. Exactly one writer
// touches the raw ring at a time: the session while it exists, the NO SIGNAL
// generator otherwise.

import type { RawRing } from '../bus/raw-ring.js';

export interface SessionEvents {
  /** Frame `seq` is complete in the ring. */
  frame(seq: number): void;
  /** The session died (device gone, process exited); called at most once. */
  lost(err: Error): void;
}

export interface LiveSession {
  /**
   * Opens the device / starts the process and begins writing frames at
   * ring.latestSeq() + 1. Resolves once running; rejects if it cannot start.
   */
  start(ring: RawRing, events: SessionEvents): Promise<void>;
  /** Stops; resolves once the session no longer writes to the ring. Idempotent. */
  stop(): Promise<void>;
  /** What was negotiated, e.g. "mjpeg 1280x720@30", once running. */
  describe(): string;
}

/**
 * An error retrying cannot fix (addon not built, ffmpeg not installed):
 * the source reports `unavailable` and waits for a forced reconnect.
 */
export class SourceUnavailable extends Error {
  override name = 'SourceUnavailable';
}
