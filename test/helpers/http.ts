// Small fetch wrapper for JSON APIs: status, parsed body, headers. It sends
// the test servers' admin token unless the caller passes its own
// `authorization` header ('' sends none). Also: a probe for a stream that
// should be refused, and a wait for the server's first camera frame.

import { TEST_ADMIN_TOKEN } from './child-server.js';
import { waitFor } from './wait.js';

export interface JsonReply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

/** Headers that authenticate a raw fetch() as the test servers' admin. */
export const adminAuth = (): Record<string, string> => ({ authorization: `Bearer ${TEST_ADMIN_TOKEN}` });

export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonReply> {
  const h: Record<string, string> = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === 'authorization') {
      delete h.authorization;
      if (v === '') continue;
    }
    h[k] = v;
  }
  const init: RequestInit = { method, headers: h };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/**
 * GET on a stream URL where a refusal is expected: its status and parsed
 * body. A stream that opens instead is cancelled at once (its body never
 * ends, so reading it would hang the test until tap's timeout).
 */
export async function streamRefusal(url: string, headers: Record<string, string> = {}): Promise<JsonReply> {
  const res = await fetch(url, { headers });
  if (res.status === 200) {
    await res.body?.cancel();
    return { status: res.status, body: null, headers: res.headers };
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Waits until the server has video (commands are refused with 409 before its first camera frame). */
export async function waitForVideo(base: string, timeoutMs = 10000): Promise<void> {
  await waitFor(async () => (await call(base, 'GET', '/status')).body.video_status === 'healthy', 'the first camera frame (video_status healthy)',
    { timeoutMs, everyMs: 50 });
}
