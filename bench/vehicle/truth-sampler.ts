// Collects the ground truth of EVERY frame for one target while it runs:
// every POLL_MS it asks GET /api/sim/targets for the newest frame, then
// fetches each frame id since the previous poll with ?frame_id=N, one after
// the other (the camera keeps the last 720 frames, so a poll that comes late
// loses nothing). Frames the server no longer holds are simply absent; the
// summary counts them as missing.

import type { FollowApi } from './follow-api.js';
import type { TruthBox } from './centre-error.js';

export interface TruthRecord {
  frame_id: number;
  timestamp: number;
  targets: { id: number; class_name: string; bbox: [number, number, number, number]; visible: boolean }[];
}

/** Tries at the newest frame's ground truth (see newestTruth), NEWEST_RETRY_MS apart. */
const NEWEST_TRIES = 20;
const NEWEST_RETRY_MS = 5;
/** Newest frame asked for this often: ~6 frames a poll at 30 fps, a handful of loopback requests. */
const POLL_MS = 200;
/** Frames kept: 2 min at 60 fps, far more than one run's window; older ones are dropped first. */
export const MAX_FRAMES = 7200;
/** Frame ids fetched per poll at most (the camera's history is 720): a stalled poll cannot turn into a burst of thousands. */
const MAX_BACKFILL = 720;

/**
 * GET /api/sim/targets (the newest frame), retried on 404: the camera thread
 * publishes a frame on the ring before it records its ground truth, so the
 * newest id can briefly have none (seen once in a 6-minute run on a loaded
 * machine); a few ms later it has.
 */
export async function newestTruth(api: FollowApi): Promise<TruthRecord> {
  for (let k = 1; ; k++) {
    const rec = await api.getOrNull<TruthRecord>('/api/sim/targets');
    if (rec) return rec;
    if (k >= NEWEST_TRIES) throw new Error(`GET /api/sim/targets: no ground truth for the newest frame after ${NEWEST_TRIES} tries`);
    await new Promise((r) => setTimeout(r, NEWEST_RETRY_MS));
  }
}

export class TruthSampler {
  /** The server. */
  readonly #api: FollowApi;
  /** The target followed (scene id). */
  readonly #targetId: number;
  /** Ground truth by frame id (MAX_FRAMES). */
  readonly #frames = new Map<number, TruthBox>();
  /** Next frame id to fetch; -1 before the first poll. */
  #next = -1;
  /** Newest frame id seen. */
  #newest = -1;
  /** The polling loop while it runs. */
  #loop: Promise<void> | null = null;
  #stopping = false;
  /** The first error of the loop (reported by stop()). */
  #error: Error | null = null;

  constructor(api: FollowApi, targetId: number) {
    this.#api = api;
    this.#targetId = targetId;
  }

  get frames(): ReadonlyMap<number, TruthBox> {
    return this.#frames;
  }

  /** The newest frame id polled so far (-1 before the first). */
  get newest(): number {
    return this.#newest;
  }

  start(): void {
    if (this.#loop) return;
    this.#stopping = false;
    this.#loop = this.#run().catch((e: Error) => { this.#error = e; });
  }

  /** Polls once more (so the newest frame is in) and stops; throws the loop's error if it had one. Idempotent. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#loop;
    this.#loop = null;
    if (this.#error) throw this.#error;
  }

  /** Polls once now and returns the newest frame id (the window edges are taken this way). */
  async mark(): Promise<number> {
    await this.#poll();
    return this.#newest;
  }

  async #run(): Promise<void> {
    for (;;) {
      await this.#poll();
      if (this.#stopping) return;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  async #poll(): Promise<void> {
    const newest = await newestTruth(this.#api);
    if (this.#next < 0) this.#next = newest.frame_id;
    const from = Math.max(this.#next, newest.frame_id - MAX_BACKFILL);
    for (let id = from; id < newest.frame_id; id++) {
      if (this.#frames.has(id)) continue;
      const rec = await this.#api.getOrNull<TruthRecord>(`/api/sim/targets?frame_id=${id}`);
      if (rec) this.#keep(rec);
    }
    this.#keep(newest);
    this.#next = Math.max(this.#next, newest.frame_id + 1);
    this.#newest = Math.max(this.#newest, newest.frame_id);
  }

  #keep(rec: TruthRecord): void {
    const t = rec.targets.find((x) => x.id === this.#targetId);
    if (!t) return;
    this.#frames.set(rec.frame_id, { frame_id: rec.frame_id, timestamp: rec.timestamp, bbox: t.bbox, visible: t.visible });
    if (this.#frames.size > MAX_FRAMES) this.#frames.delete(this.#frames.keys().next().value!);
  }
}
