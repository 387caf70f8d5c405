// JSON responses on uWS. Every reply goes through here so status lines,
// content type, CORS and FastAPI-style {"detail": ...} errors stay uniform.

import type { HttpResponse } from 'uWebSockets.js';

const STATUS: Record<number, string> = {
  200: '200 OK', 201: '201 Created', 204: '204 No Content', 400: '400 Bad Request',
  403: '403 Forbidden', 404: '404 Not Found', 405: '405 Method Not Allowed', 409: '409 Conflict',
  413: '413 Payload Too Large', 415: '415 Unsupported Media Type', 422: '422 Unprocessable Entity',
  429: '429 Too Many Requests', 500: '500 Internal Server Error', 503: '503 Service Unavailable',
};

export function statusLine(code: number): string {
  return STATUS[code] ?? `${code} Status`;
}

/** A response whose client may already be gone (async handlers). */
export interface Reply {
  res: HttpResponse;
  aborted: boolean;
  cors: [string, string][];
}

export function sendJson(reply: Reply, code: number, body: unknown, extra?: [string, string][]): void {
  if (reply.aborted) return;
  const text = JSON.stringify(body);
  reply.res.cork(() => {
    reply.res.writeStatus(statusLine(code));
    reply.res.writeHeader('Content-Type', 'application/json');
    reply.res.writeHeader('Cache-Control', 'no-store');
    for (const [k, v] of reply.cors) reply.res.writeHeader(k, v);
    if (extra) for (const [k, v] of extra) reply.res.writeHeader(k, v);
    reply.res.end(text);
  });
  reply.aborted = true; // done: nothing may write again
}

export function sendError(reply: Reply, code: number, detail: unknown, extra?: [string, string][]): void {
  sendJson(reply, code, { detail }, extra);
}

export function sendBytes(reply: Reply, code: number, contentType: string, body: Uint8Array | string, extra?: [string, string][]): void {
  if (reply.aborted) return;
  reply.res.cork(() => {
    reply.res.writeStatus(statusLine(code));
    reply.res.writeHeader('Content-Type', contentType);
    for (const [k, v] of reply.cors) reply.res.writeHeader(k, v);
    if (extra) for (const [k, v] of extra) reply.res.writeHeader(k, v);
    reply.res.end(body);
  });
  reply.aborted = true;
}
