// What a restream target is (from restream.targets in the config) and what
// it reports (GET /api/restream, /stats).

import type { RestreamTargetConfig } from '../../config/types.js';

/** Packet size when the config names none: fits any path with IPsec/WireGuard overhead. */
export const DEFAULT_MTU = 1200;

/** A config entry with its defaults filled in. */
export function targetSpec(c: RestreamTargetConfig): RestreamTargetSpec {
  return { ...c, autostart: c.autostart ?? true, mtu: c.mtu ?? DEFAULT_MTU };
}

export interface RestreamTargetSpec {
  /** Unique name: in URLs (/api/restream/<label>/start) and in /stats. */
  label: string;
  type: 'rtp';
  /** IPv4/IPv6 literal or a host name (resolved at each start and retry). */
  host: string;
  video_port: number;
  payload_type: number;
  /** RTP SSRC; random per start when absent. */
  ssrc?: number;
  /** Start sending when the server starts. */
  autostart: boolean;
  /** Largest RTP packet in bytes (IP and UDP headers come on top). */
  mtu: number;
  /** Where people watch this target (a Janus demo page, a player); shown on the dashboard. */
  viewer_url?: string;
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
