// A VehicleService on the simulated vehicle (a separate process on loopback
// UDP), with a tracker feed at 30 Hz: a fixed image position, or a ground
// target projected through the vehicle's own pose (a virtual down-looking
// camera with the same conventions as the synthetic one).

import { projectGroundPoint, type CameraPose, type ImagePoint } from '../../lib/vehicle/camera-pose.js';
import type { OffboardTransition } from '../../lib/vehicle/offboard/offboard-controller.js';
import { VehicleService } from '../../lib/vehicle/vehicle-service.js';
import { rng, testConfig, until, type Overrides } from './vehicle-fixtures.js';

export interface Harness {
  svc: VehicleService;
  transitions: OffboardTransition[];
  /** Feed a fixed normalized position (null: stop feeding). */
  feedFixed(pos: [number, number] | null, usable?: boolean): void;
  /** Feed a ground target (north, east at time t in s) seen through the pose; returns the error log. */
  feedGround(target: (t: number) => [number, number], noise?: number): { errors: number[]; times: number[] };
  /** Epoch ms of the last feed. */
  lastFeedAt(): number;
  videoLive: { value: boolean };
  close(): Promise<void>;
}

export const HFOV = 60;
export const ASPECT = 4 / 3;

export async function startHarness(overrides: Overrides = {}): Promise<Harness> {
  const cfg = testConfig(overrides);
  const svc = new VehicleService(cfg, { log: process.env.VEHICLE_TEST_LOG ? (l) => console.error(l) : undefined });
  const transitions: OffboardTransition[] = [];
  svc.on('transition', (tr) => transitions.push(tr));
  await svc.start();
  if (!(await until(() => svc.link.connected && svc.pose() !== null, 5000))) throw new Error(`no link to the simulated vehicle: ${JSON.stringify(svc.link)}`);
  let timer: NodeJS.Timeout | null = null;
  let lastFeed = 0;
  const stop = () => { if (timer) clearInterval(timer); timer = null; };
  const videoLive = { value: true };
  const pose: CameraPose = { north_m: 0, east_m: 0, alt_m: 0, yaw_deg: 0 };
  const img: ImagePoint = { x: 0, y: 0, visible: false };
  return {
    svc, transitions, videoLive,
    feedFixed(pos, usable = true) {
      stop();
      if (!pos) return;
      timer = setInterval(() => {
        lastFeed = performance.timeOrigin + performance.now();
        svc.onTrackerOutput({ position_2d: pos, confidence: 0.9, usable_for_following: usable, timestamp: Date.now() / 1000 });
      }, 33);
    },
    feedGround(target, noise = 0) {
      stop();
      const log = { errors: [] as number[], times: [] as number[] };
      const t0 = performance.now();
      const random = rng(1);
      const rnd = () => (random() - 0.5) * 2;
      timer = setInterval(() => {
        const t = (performance.now() - t0) / 1000;
        if (!svc.pose(pose)) return;
        const [n, e] = target(t);
        projectGroundPoint(pose, n, e, HFOV, ASPECT, img);
        lastFeed = performance.timeOrigin + performance.now();
        log.errors.push(Math.hypot(img.x, img.y));
        log.times.push(t);
        svc.onTrackerOutput({
          position_2d: [img.x + noise * rnd(), img.y + noise * rnd()], confidence: 0.9, usable_for_following: img.visible, timestamp: Date.now() / 1000,
        });
      }, 33);
      return log;
    },
    lastFeedAt: () => lastFeed,
    async close() {
      stop();
      await svc.close();
    },
  };
}

/** startOffboard with the harness's video flag. */
export function start(h: Harness) {
  return h.svc.startOffboard({ videoLive: () => h.videoLive.value });
}
