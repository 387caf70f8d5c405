// uWS's HttpRequest is only valid inside the synchronous handler; copy the
// few fields a route needs before any await.

import type { HttpRequest, HttpResponse } from 'uWebSockets.js';

export interface RequestInfo {
  method: string;
  url: string;
  query: URLSearchParams;
  origin: string;
  host: string;
  contentType: string;
  contentLength: string;
  remote: string;
}

const decoder = new TextDecoder();

export function remoteAddress(res: HttpResponse): string {
  return decoder.decode(res.getRemoteAddressAsText());
}

export function requestInfo(req: HttpRequest, res: HttpResponse): RequestInfo {
  return {
    method: req.getCaseSensitiveMethod(),
    url: req.getUrl(),
    query: new URLSearchParams(req.getQuery() ?? ''),
    origin: req.getHeader('origin'),
    host: req.getHeader('host'),
    contentType: req.getHeader('content-type'),
    contentLength: req.getHeader('content-length'),
    remote: remoteAddress(res),
  };
}
