// What every WebSocket route's upgrade shares: the handshake headers, copied
// first (uWS's HttpRequest dies with the handler), the refusal while the
// server shuts down, and the upgrade itself with the socket's user data.

import type { HttpRequest, HttpResponse, us_socket_context_t } from 'uWebSockets.js';
import { reply, sendError } from './respond.js';

export interface WsHandshake {
  key: string;
  protocol: string;
  extensions: string;
}

export function wsHandshake(req: HttpRequest): WsHandshake {
  return {
    key: req.getHeader('sec-websocket-key'),
    protocol: req.getHeader('sec-websocket-protocol'),
    extensions: req.getHeader('sec-websocket-extensions'),
  };
}

/** Answers 503 SKYFEED_ERR_SHUTTING_DOWN and returns true when `shuttingDown`; false otherwise (nothing sent). */
export function refusedWhileShuttingDown(res: HttpResponse, shuttingDown: boolean): boolean {
  if (!shuttingDown) return false;
  sendError(reply(res), 'SKYFEED_ERR_SHUTTING_DOWN', 'Server shutting down');
  return true;
}

/** Completes the handshake; `data` becomes the socket's user data. */
export function acceptUpgrade<T>(res: HttpResponse, hs: WsHandshake, data: T, context: us_socket_context_t): void {
  res.upgrade<T>(data, hs.key, hs.protocol, hs.extensions, context);
}
