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

/**
 * Reads and parses the body. Rejects with SkyfeedError (too large, not JSON, malformed). The caller
 * must have registered res.onAborted; `isAborted` tells when to give up.
 */
export function readJsonBody(res: HttpResponse, req: BodyRequest, isAborted: () => boolean): Promise<unknown> {
  if (!isJsonContentType(req.contentType)) {
    return Promise.reject(new SkyfeedError('SKYFEED_ERR_BODY_MEDIA_TYPE', `Content-Type must be application/json, got ${JSON.stringify(req.contentType.slice(0, 64) || null)}`));
  }
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
      const text = Buffer.concat(chunks, total).toString('utf8');
      if (text.trim() === '') return reject(new SkyfeedError('SKYFEED_ERR_BODY_MALFORMED', 'request body is empty; a JSON object is required'));
      try {
        resolve(parseJsonSafely(text));
      } catch (err) {
        reject(err instanceof SkyfeedError ? err : new SkyfeedError('SKYFEED_ERR_BODY_MALFORMED', `malformed JSON: ${(err as Error).message}`));
      }
    });
  });
}

function tooLarge(max: number): SkyfeedError {
  return new SkyfeedError('SKYFEED_ERR_BODY_TOO_LARGE', `request body exceeds ${max} bytes`);
}
