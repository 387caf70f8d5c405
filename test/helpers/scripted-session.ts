// A capture session that does what a test says: fails to start, runs and
// writes RGB frames every 20 ms, or starts and then never delivers (a
// stall). For ResilientSource tests on a real ring and real timers.

import { PixelFormat, type RawRing } from '../../lib/bus/raw-ring.js';
import type { LiveSession, SessionEvents } from '../../lib/capture/live-session.js';

export type ScriptedMode = 'fail' | 'run' | 'stall';

export const SCRIPTED_W = 64;
export const SCRIPTED_H = 48;

export class ScriptedSession implements LiveSession {
  /** The 20 ms frame timer while running. */
  #timer: NodeJS.Timeout | null = null;

  /** `log` gets the time of each start attempt. */
  constructor(readonly mode: ScriptedMode, readonly log: number[]) {}

  describe(): string {
    return 'scripted';
  }

  async start(ring: RawRing, ev: SessionEvents): Promise<void> {
    this.log.push(Date.now());
    if (this.mode === 'fail') throw new Error('no device');
    if (this.mode === 'stall') return;
    this.#timer = setInterval(() => {
      const seq = (ring.latestSeq() + 1) & 0x7fffffff;
      ring.beginWrite(seq).fill(200);
      ring.commitWrite(seq, SCRIPTED_W * SCRIPTED_H * 3, PixelFormat.RGB24, Date.now());
      ev.frame(seq);
    }, 20);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
