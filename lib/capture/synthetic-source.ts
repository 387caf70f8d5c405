// The built-in synthetic camera: a worker thread renders the scene (see
// lib/capture/synthetic/) so the main thread and the encoders keep their
// cores. If the thread dies it is restarted after a second, and health shows
// it. The thread records every frame's ground truth in shared memory
// (/api/sim/targets reads it) and renders from the pose set here (the
// simulated vehicle's), through shared memory too.

import { Worker } from 'node:worker_threads';
import type { RawRing } from '../bus/raw-ring.js';
import { WORKER_HEAP_LIMITS } from '../util/worker-limits.js';
import type { FrameSink, FrameSource, SourceHealth } from './source.js';
import type { SourceConfig } from '../config/types.js';
import { TruthHistory, type TruthRecord } from './synthetic/truth-history.js';
import { CameraControl } from './synthetic/camera-control.js';
import type { CameraPose } from './synthetic/camera-pose.js';
import type { SyntheticCameraData } from './synthetic/camera-loop.js';
import { sceneTargetNames } from './synthetic/scenes.js';

export interface SyntheticSourceOptions {
  fps: number;
  scene: NonNullable<SourceConfig['scene']>;
  /** Draw the capture time as a machine-readable code (capture/frame-code.ts). */
  frameCode?: boolean;
}

const workerUrl = new URL('../../workers/synthetic-camera.js', import.meta.url);
const RESTART_DELAY_MS = 1000;

export class SyntheticSource implements FrameSource {
  readonly type = 'synthetic';
  readonly #options: SyntheticSourceOptions;
  /** The render thread while running. */
  #worker: Worker | null = null;
  #ring: RawRing | null = null;
  #sink: FrameSink | null = null;
  #closing = false;
  #restartTimer: NodeJS.Timeout | null = null;
  /** Ground truth of the last frames, written by the camera thread. */
  readonly #truth = new TruthHistory();
  /** Pose and freeze switch, read by the camera thread every frame. */
  readonly #control = new CameraControl();
  #health: SourceHealth = {
    state: 'unavailable', type: 'synthetic', frames: 0, lastFrameAt: 0,
    consecutiveFailures: 0, recoveryAttempts: 0, lastError: null,
  };

  constructor(options: SyntheticSourceOptions) {
    this.#options = options;
    this.#truth.setNames(sceneTargetNames(options.scene));
  }

  open(ring: RawRing, sink: FrameSink): Promise<void> {
    this.#ring = ring;
    this.#sink = sink;
    return this.#spawn();
  }

  #spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ring = this.#ring!;
      ring.resetStop();
      const worker = new Worker(workerUrl, {
        workerData: {
          sab: ring.sab, fps: this.#options.fps, scene: this.#options.scene, truthSab: this.#truth.sab, controlSab: this.#control.sab,
          frameCode: this.#options.frameCode ?? false,
        } satisfies SyntheticCameraData,
        resourceLimits: WORKER_HEAP_LIMITS,
        execArgv: [], // see EncodePool: inherited loader hooks slow every boot
      });
      this.#worker = worker;
      let ready = false;
      worker.on('message', (msg: number | { type: string }) => {
        if (typeof msg === 'number') {
          this.#health.frames++;
          this.#health.lastFrameAt = ring.captureTime(ring.slotOf(msg));
          if (this.#health.state !== 'healthy') {
            this.#health.state = 'healthy';
            this.#health.consecutiveFailures = 0;
          }
          this.#sink!.frame(msg);
        } else if (msg.type === 'ready' && !ready) {
          ready = true;
          resolve();
        }
      });
      worker.on('error', (err) => {
        this.#health.lastError = err.message;
        if (!ready) reject(err);
      });
      worker.on('exit', () => {
        if (this.#worker === worker) this.#worker = null;
        if (this.#closing) return;
        this.#health.state = 'recovering';
        this.#health.consecutiveFailures++;
        this.#health.recoveryAttempts++;
        this.#restartTimer = setTimeout(() => {
          this.#restartTimer = null;
          if (!this.#closing) this.#spawn().catch((e: Error) => { this.#health.state = 'failed'; this.#health.lastError = e.message; });
        }, RESTART_DELAY_MS);
      });
    });
  }

  async close(): Promise<void> {
    this.#closing = true;
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    const worker = this.#worker;
    this.#ring?.stop();
    if (worker) {
      const exited = new Promise((r) => worker.once('exit', r));
      // The thread sees the stop flag within one frame; terminate is the backstop.
      const timer = setTimeout(() => void worker.terminate(), 500);
      await exited;
      clearTimeout(timer);
    }
    this.#health.state = 'unavailable';
  }

  health(): SourceHealth {
    return this.#health;
  }

  /** The true target boxes of frame `frameId` while it is among the last frames kept. */
  groundTruth(frameId: number): TruthRecord | null {
    return this.#truth.get(frameId);
  }

  /** Renders from `pose` (aerial scenes) from the next frame on; null: the scene's own motion. */
  setPose(pose: CameraPose | null): void {
    this.#control.setPose(pose);
  }

  /** Stops (true) or resumes new frames: the video-freeze drill. */
  setFrozen(frozen: boolean): void {
    this.#control.setFrozen(frozen);
  }
}
