// Responses on uWS. Every reply goes through here so status lines, content
// type, CORS and {"detail": ..., "code": ...} errors stay uniform, and so
// that no reply can pile up in memory: uWS buffers whatever the socket does
// not take, and a client that pipelines thousands of requests without
// reading would make it buffer every answer (hundreds of MB). Bodies are
// ended with tryEnd, which never buffers beyond the kernel; the unsent rest
// waits for onWritable, and uWS closes a connection that sends another
// request while an answer is still pending. So each connection holds at
// most one unsent body.

import type { HttpResponse } from 'uWebSockets.js';
import type { ErrorCode, SkyfeedError } from '../errors.js';
import { STATUS_OF } from './error-status.js';

const STATUS: Record<number, string> = {
  200: '200 OK', 201: '201 Created', 204: '204 No Content', 400: '400 Bad Request', 401: '401 Unauthorized',
  403: '403 Forbidden', 404: '404 Not Found', 405: '405 Method Not Allowed', 409: '409 Conflict', 412: '412 Precondition Failed',
  413: '413 Payload Too Large', 415: '415 Unsupported Media Type', 422: '422 Unprocessable Entity',
  429: '429 Too Many Requests', 431: '431 Request Header Fields Too Large', 500: '500 Internal Server Error',
  503: '503 Service Unavailable',
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

export function reply(res: HttpResponse, cors: [string, string][] = []): Reply {
  return { res, aborted: false, cors };
}

/**
 * Ends the response with `body`. Whatever the socket does not take now is
 * copied (the body may be a view into a ring slot the camera reuses) and
 * sent as the socket drains. Call inside cork().
 */
function endBody(res: HttpResponse, body: Uint8Array): void {
  const [, done] = res.tryEnd(body, body.length);
  if (done) return;
  const base = res.getWriteOffset();
  const rest = Buffer.from(body.subarray(base));
  let gone = false;
  res.onAborted(() => { gone = true; });
  res.onWritable((offset) => {
    if (gone) return true;
    const [ok] = res.tryEnd(rest.subarray(offset - base), body.length);
    return ok;
  });
}

function head(r: Reply, code: number, contentType: string, extra?: [string, string][]): void {
  r.res.writeStatus(statusLine(code));
  r.res.writeHeader('Content-Type', contentType);
  for (const [k, v] of r.cors) r.res.writeHeader(k, v);
  if (extra) for (const [k, v] of extra) r.res.writeHeader(k, v);
}

export function sendJson(r: Reply, code: number, body: unknown, extra?: [string, string][]): void {
  if (r.aborted) return;
  const bytes = Buffer.from(JSON.stringify(body));
  r.res.cork(() => {
    head(r, code, 'application/json', extra);
    r.res.writeHeader('Cache-Control', 'no-store');
    endBody(r.res, bytes);
  });
  r.aborted = true; // done: nothing may write again
}

/** An error answer: the code's status, body `{detail, code, ...extra}`. */
export function sendError(r: Reply, code: ErrorCode, detail: unknown, extra?: Record<string, unknown>, headers?: [string, string][]): void {
  sendJson(r, STATUS_OF[code], { detail, code, ...extra }, headers);
}

export function sendFailure(r: Reply, err: SkyfeedError): void {
  sendError(r, err.code, err.detail, err.extra, err.headers);
}

export function sendBytes(r: Reply, code: number, contentType: string, body: Uint8Array | string, extra?: [string, string][]): void {
  if (r.aborted) return;
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  r.res.cork(() => {
    head(r, code, contentType, extra);
    endBody(r.res, bytes);
  });
  r.aborted = true;
}

/** A body-less answer (204, a refused upgrade). */
export function sendEmpty(r: Reply, code: number, extra?: [string, string][]): void {
  if (r.aborted) return;
  r.res.cork(() => {
    r.res.writeStatus(statusLine(code));
    for (const [k, v] of r.cors) r.res.writeHeader(k, v);
    if (extra) for (const [k, v] of extra) r.res.writeHeader(k, v);
    r.res.end();
  });
  r.aborted = true;
}
