// Bounded JSON request bodies on uWS. The limit is checked on the declared
// Content-Length before a byte is buffered and again while chunks stream in
// (chunked uploads declare nothing). Keys that could reach Object.prototype
// are refused while parsing, so they never exist on any object we build.

import type { HttpResponse } from 'uWebSockets.js';
import { SkyfeedError } from '../errors.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function isJsonContentType(contentType: string): boolean {
  const media = contentType.split(';', 1)[0].trim().toLowerCase();
  return media === 'application/json' || (media.startsWith('application/') && media.endsWith('+json'));
}

/**
 * JSON.parse that throws on forbidden keys at any depth, and on numbers too
 * large for a double: JSON.parse turns 1e999 into Infinity, which would be
 * validated as a huge number and then saved as null.
 */
export function parseJsonSafely(text: string): unknown {
  return JSON.parse(text, (key, value) => {
    if (FORBIDDEN_KEYS.has(key)) throw new SkyfeedError('SKYFEED_ERR_BODY_FORBIDDEN_KEY', `JSON key ${JSON.stringify(key)} is not allowed`);
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new SkyfeedError('SKYFEED_ERR_BODY_NUMBER_RANGE', `JSON number${key ? ` at ${JSON.stringify(key)}` : ''} is out of range (it overflows a 64-bit float)`);
    }
    return value;
  });
}

export interface BodyRequest {
  contentType: string;
  contentLength: string;
  maxBytes: number;
}

/** Reads the whole body, bounded by `maxBytes` (checked on Content-Length and while chunks arrive). */
function readBody(res: HttpResponse, req: BodyRequest, isAborted: () => boolean): Promise<Buffer> {
  if (req.contentLength !== '') {
    const declared = Number(req.contentLength);
    if (!Number.isSafeInteger(declared) || declared < 0) return Promise.reject(new SkyfeedError('SKYFEED_ERR_BODY_MALFORMED', 'invalid Content-Length'));
    if (declared > req.maxBytes) return Promise.reject(tooLarge(req.maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    res.onData((chunk, isLast) => {
      if (done || isAborted()) return;
      total += chunk.byteLength;
      if (total > req.maxBytes) {
        done = true;
        return reject(tooLarge(req.maxBytes));
      }
      // uWS reuses the chunk's memory after this callback: copy it.
      chunks.push(Buffer.from(chunk.slice(0)));
      if (!isLast) return;
      done = true;
      resolve(Buffer.concat(chunks, total));
    });
  });
}

/**
 * Reads and parses a JSON body. Rejects with SkyfeedError (too large, not
 * JSON, malformed). The caller must have registered res.onAborted;
 * `isAborted` tells when to give up.
 */
export function readJsonBody(res: HttpResponse, req: BodyRequest, isAborted: () => boolean): Promise<unknown> {
  if (!isJsonContentType(req.contentType)) {
    return Promise.reject(new SkyfeedError('SKYFEED_ERR_BODY_MEDIA_TYPE', `Content-Type must be application/json, got ${JSON.stringify(req.contentType.slice(0, 64) || null)}`));
  }
  return readBody(res, req, isAborted).then((buf) => {
    const text = buf.toString('utf8');
    if (text.trim() === '') throw new SkyfeedError('SKYFEED_ERR_BODY_MALFORMED', 'request body is empty; a JSON object is required');
    try {
      return parseJsonSafely(text);
    } catch (err) {
      throw err instanceof SkyfeedError ? err : new SkyfeedError('SKYFEED_ERR_BODY_MALFORMED', `malformed JSON: ${(err as Error).message}`);
    }
  });
}

/** Reads a text body of media type `mediaType` (e.g. application/sdp), bounded like a JSON body. */
export function readTextBody(res: HttpResponse, req: BodyRequest, mediaType: string, isAborted: () => boolean): Promise<string> {
  const media = req.contentType.split(';', 1)[0].trim().toLowerCase();
  if (media !== mediaType) {
    return Promise.reject(new SkyfeedError('SKYFEED_ERR_BODY_MEDIA_TYPE', `Content-Type must be ${mediaType}, got ${JSON.stringify(req.contentType.slice(0, 64) || null)}`));
  }
  return readBody(res, req, isAborted).then((buf) => buf.toString('utf8'));
}

function tooLarge(max: number): SkyfeedError {
  return new SkyfeedError('SKYFEED_ERR_BODY_TOO_LARGE', `request body exceeds ${max} bytes`);
}
