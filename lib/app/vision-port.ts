// What the controller needs of the vision threads: the tracker client and
// the smart-mode detector client (lib/vision), behind a small port so that
// the controller's state machine is testable without threads.

import type { ClickAnswer } from '../vision/detector-client.js';
import type { DetectorInfo } from '../vision/detector-thread.js';
import type { MultiTargetOutput } from '../vision/multi-target.js';
import type { TrackerOutput } from '../vision/tracker-output.js';
import type { SessionStatus } from '../vision/tracking-session.js';

export interface VisionPort {
  tracker: {
    start(box: { x: number; y: number; w: number; h: number }, tracker: string, frameId?: number): Promise<TrackerOutput>;
    stop(): void;
    readonly latest: TrackerOutput | null;
    readonly status: SessionStatus | null;
    readonly active: boolean;
    readonly lastError: string | null;
  };
  detector: {
    enable(): Promise<DetectorInfo>;
    disable(): void;
    readonly info: DetectorInfo | null;
    output(width: number, height: number): MultiTargetOutput;
    click(x: number, y: number, following: boolean, frameId?: number): Promise<ClickAnswer>;
    select(bbox: readonly number[]): void;
    clearSelection(): void;
  };
}
