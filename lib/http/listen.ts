// Opening the listener: exclusively (without it uWS shares the port through
// SO_REUSEPORT with a second instance, and requests alternate between the
// two), and with the reason named when it fails. uWS reports a failed
// listen as `false` only; asking the kernel the same question through a
// plain socket gives the errno, so the operator reads "port 8000 is in use"
// instead of a stack trace.

import { createServer } from 'node:net';
import type { TemplatedApp, us_listen_socket } from 'uWebSockets.js';

/** The listener could not be opened; the message names the reason (port in use, permission, address). */
export class ListenError extends Error {
  override name = 'ListenError';
}

type ListenWithOptions = (host: string, port: number, options: number, cb: (s: us_listen_socket | false) => void) => void;
/** uWS's LIBUS_LISTEN_EXCLUSIVE_PORT. */
const EXCLUSIVE_PORT = 1;

export async function listenExclusive(app: TemplatedApp, host: string, port: number): Promise<us_listen_socket> {
  const sock = await new Promise<us_listen_socket | false>((resolve) => {
    // The binary takes (host, port, options, cb); its typings lack that overload.
    (app.listen as unknown as ListenWithOptions).call(app, host, port, EXCLUSIVE_PORT, resolve);
  });
  if (!sock) throw new ListenError(await listenFailureReason(host, port));
  return sock;
}

export async function listenFailureReason(host: string, port: number): Promise<string> {
  const code = await new Promise<string | null>((resolve) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(null)));
  });
  switch (code) {
    case 'EADDRINUSE': return `port ${port} is in use (another skyfeed, or another program, listens on ${host}:${port})`;
    case 'EACCES': return `permission denied to listen on ${host}:${port} (ports below 1024 need root or CAP_NET_BIND_SERVICE)`;
    case 'EADDRNOTAVAIL': return `address ${host} is not on this machine (http.host)`;
    case 'ENOTFOUND': case 'EAI_AGAIN': return `cannot resolve http.host ${host}`;
    case null: return `cannot listen on ${host}:${port} (the port looked free a moment later; TLS files unreadable or invalid?)`;
    default: return `cannot listen on ${host}:${port} (${code})`;
  }
}
