// The real server, in this process, with WebRTC on: what the WebRTC tests
// talk to over /ws/webrtc_signaling and /whep, with its WebRTC service at
// hand for the figures a client cannot see (encoder pid, peer table).

import type { WebRtcService, WebRtcTuning } from '../../lib/app/webrtc-service.js';
import { startInProcess, type InProcessServer } from './in-process.js';
import type { Owner } from './child-server.js';

export interface WebRtcServerOptions {
  width?: number;
  height?: number;
  fps?: number;
  /** webrtc.* config keys (max_peers, gop, stalled_timeout_s, ...). */
  webrtc?: Record<string, unknown>;
  /** Engine knobs below the configuration (see EngineOptions.webrtc). */
  tuning?: WebRtcTuning;
  /** Keep the encoder running with no peer (join tests). */
  alwaysOn?: boolean;
  /** Other config sections (auth, http, ...). */
  config?: Record<string, unknown>;
}

export interface WebRtcServer extends InProcessServer {
  service: WebRtcService;
  /** Frames the camera has published so far. */
  frames(): number;
}

export async function startWebRtcServer(t: Owner, o: WebRtcServerOptions = {}): Promise<WebRtcServer> {
  const srv = await startInProcess(t, {
    ...o.config,
    // frame_code: pages can tell how old the picture they show is.
    source: { type: 'synthetic', frame_code: true },
    streaming: { ...(o.config?.streaming as object | undefined), width: o.width ?? 640, height: o.height ?? 480, fps: o.fps ?? 30 },
    webrtc: { enabled: true, ...o.webrtc },
  }, undefined, { webrtc: o.tuning });
  const service = srv.server.context.webrtc;
  if (!service) throw new Error('webrtc is not enabled on the test server');
  if (o.alwaysOn) t.teardown(service.hold());
  return { ...srv, service, frames: () => srv.server.context.bus.published };
}
