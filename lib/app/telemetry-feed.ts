// Telemetry pushed to WebRTC viewers on their `telemetry` data channel: the
// tracker and follower state with the id of the frame it belongs to, so a
// page can draw the box over the very picture it describes. Sent while
// peers exist, at TELEMETRY_HZ (the fan-out caps every channel at 30 Hz and
// skips a peer whose channel is backed up).

import type { FrameBus } from '../bus/frame-bus.js';
import type { AppController } from './controller.js';
import type { WebRtcService } from './webrtc-service.js';

const TELEMETRY_HZ = 10;

export class TelemetryFeed {
  readonly #timer: NodeJS.Timeout;

  constructor(bus: FrameBus, controller: AppController, webrtc: WebRtcService) {
    this.#timer = setInterval(() => {
      if (webrtc.peerCount === 0) return;
      webrtc.broadcastTelemetry({
        type: 'telemetry',
        // The box is the commanded one until a tracker runs: it belongs to the newest frame.
        frame_id: bus.ring.latestSeq(),
        timestamp: Date.now() / 1000,
        flags: controller.flags,
        tracker: controller.trackerData(),
        follower: controller.followerData(),
      });
    }, 1000 / TELEMETRY_HZ);
    this.#timer.unref();
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
