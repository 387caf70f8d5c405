// One log line when a viewer connects and one when it leaves, with the same
// fields for every transport, so a log query can follow a client from its
// address to its frames: transport, remote address, client id; on
// disconnect also how long it stayed, what it was sent and why it ended.
// Called on connect and disconnect only, never per frame.

import { logger } from '../util/log.js';

export type Transport = 'mjpeg' | 'ws' | 'ws_telemetry' | 'webrtc' | 'whep';

export interface ConnectionFields {
  transport: Transport;
  remote: string;
  client_id: string;
}

export interface DisconnectFields extends ConnectionFields {
  /** Date.now() at connect. */
  connectedAt: number;
  /** Frames (telemetry: messages) sent to this client. */
  sent: number;
  /** Why it ended, when known (stalled, client, server, ...). */
  reason?: string;
}

const log = logger('stream');

export function logConnect(c: ConnectionFields): void {
  log.info({ event: 'connect', transport: c.transport, remote: c.remote, client_id: c.client_id }, `${c.transport} client connected`);
}

export function logDisconnect(c: DisconnectFields): void {
  const duration_s = Math.round((Date.now() - c.connectedAt) / 100) / 10;
  const sentKey = c.transport === 'ws_telemetry' ? 'messages_sent' : 'frames_sent';
  log.info({
    event: 'disconnect', transport: c.transport, remote: c.remote, client_id: c.client_id, duration_s, [sentKey]: c.sent,
    ...(c.reason ? { reason: c.reason } : {}),
  }, `${c.transport} client disconnected`);
}
