// uWS reports a failed listen as `false`, without the reason. Asking the
// kernel the same question through a plain socket gives the errno, so the
// operator reads "port 8000 is in use" instead of a stack trace.

import { createServer } from 'node:net';

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
