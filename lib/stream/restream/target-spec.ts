// What a restream target is (from restream.targets in the config) and what
// it reports (GET /api/restream, /stats).

import type { RestreamTargetConfig } from '../../config/types.js';
import type { SrtpSuite } from './srtp-protector.js';

/** Packet size when the config names none: fits any path with IPsec/WireGuard overhead. */
export const DEFAULT_MTU = 1200;

/** A target as the sender uses it: the config entry with its defaults filled in. */
export interface RestreamTargetSpec extends Omit<RestreamTargetConfig, 'autostart' | 'mtu'> {
  autostart: boolean;
  mtu: number;
}

/**
 * stopped: not sending (never started, or stopped through the API).
 * waiting_keyframe: started; resolving the host or waiting for an IDR to begin with.
 * sending: RTP leaves the socket and nothing came back refused lately.
 * failing: the host did not resolve, or the receiver refused packets (ICMP
 * port unreachable) within the last few seconds; sending goes on so a
 * receiver that comes back resumes at once.
 */
export type RestreamState = 'stopped' | 'waiting_keyframe' | 'sending' | 'failing';

export interface RestreamTargetStatus {
  label: string;
  type: 'rtp';
  host: string;
  /** The address the host resolved to at the last start; null before. */
  address: string | null;
  video_port: number;
  payload_type: number;
  ssrc: number;
  viewer_url: string | null;
  /** The SRTP suite, or null for plain RTP. */
  srtp: SrtpSuite | null;
  state: RestreamState;
  /** Epoch ms of the last start; null when never started. */
  started_ms: number | null;
  /** RTP packets and bytes the kernel accepted. */
  packets: number;
  bytes: number;
  access_units: number;
  /** Access units not sent because earlier packets were still queued (a stalled path); each restarts at an IDR. */
  dropped_access_units: number;
  /** Packets waiting in the socket's queue now. */
  in_flight: number;
  errors: number;
  last_error: string | null;
  last_error_ms: number | null;
}

/** A config entry with its defaults filled in. */
export function targetSpec(c: RestreamTargetConfig): RestreamTargetSpec {
  return { ...c, autostart: c.autostart ?? true, mtu: c.mtu ?? DEFAULT_MTU };
}
