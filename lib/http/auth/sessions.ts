// Browser sessions: a login with a token sets an HttpOnly, SameSite=Strict
// cookie holding a random session id, so <img src=/video_feed> and
// WebSockets work without putting the token in a URL. Sessions live in
// memory (a restart logs browsers out), expire after session_ttl_s, and are
// capped: the oldest goes first when a new one would exceed the cap.

import { randomBytes } from 'node:crypto';
import type { Role } from './roles.js';

export interface Session {
  /** The token the session was opened with (revoking it ends the session). */
  name: string;
  role: Role;
  /** Epoch ms. */
  expires: number;
}

/** Bounds memory whatever the number of logins. */
export const MAX_SESSIONS = 1024;
export const SESSION_COOKIE = 'skyfeed_session';

export class SessionStore {
  readonly #ttlMs: number;
  /** Insertion order is age order: the first key is the oldest session. */
  readonly #byId = new Map<string, Session>();

  constructor(ttlS: number) {
    this.#ttlMs = ttlS * 1000;
  }

  get ttlS(): number {
    return this.#ttlMs / 1000;
  }

  get size(): number {
    return this.#byId.size;
  }

  create(name: string, role: Role): { id: string; session: Session } {
    if (this.#byId.size >= MAX_SESSIONS) this.#byId.delete(this.#byId.keys().next().value!);
    const id = randomBytes(32).toString('base64url');
    const session = { name, role, expires: Date.now() + this.#ttlMs };
    this.#byId.set(id, session);
    return { id, session };
  }

  /** The live session for `id`, or null (unknown or expired). */
  lookup(id: string): Session | null {
    const s = this.#byId.get(id);
    if (!s) return null;
    if (s.expires <= Date.now()) {
      this.#byId.delete(id);
      return null;
    }
    return s;
  }

  end(id: string): boolean {
    return this.#byId.delete(id);
  }

  /** Ends every session opened with token `name`. */
  endAllOf(name: string): number {
    let n = 0;
    for (const [id, s] of this.#byId) {
      if (s.name === name) {
        this.#byId.delete(id);
        n++;
      }
    }
    return n;
  }
}

/** The session id in a Cookie header, or ''. */
export function sessionIdFrom(cookieHeader: string): string {
  if (!cookieHeader) return '';
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return '';
}

export function sessionCookie(id: string, maxAgeS: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.round(maxAgeS)}${secure ? '; Secure' : ''}`;
}
