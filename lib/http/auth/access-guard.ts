// One decision per request, made before any route code runs: is the Host
// this machine's (DNS rebinding), may this Origin change state, who is
// asking (Bearer token, ?token= for media elements, or a session cookie),
// and is their role enough for the route. Routes never check for
// themselves: the router asks the guard for every route it registers.

import type { AuthConfig } from '../../config/types.js';
import { SkyfeedError } from '../../errors.js';
import type { CorsPolicy } from '../cors.js';
import type { RateLimiter } from '../../util/rate-limiter.js';
import type { HostPolicy } from './host-policy.js';
import { permits, type Access, type Role } from './roles.js';
import { sessionIdFrom, type SessionStore } from './sessions.js';
import type { TokenStore } from './token-store.js';

export interface Principal {
  /** null: nobody identified (a public route, no credential). */
  role: Role | null;
  /** The token's name (for the audit log); null when anonymous. */
  name: string | null;
  via: 'token' | 'session' | 'open' | 'disabled' | 'none';
}

/** What the guard reads of a request; copied by the router before any await. */
export interface Credentials {
  host: string;
  origin: string;
  authorization: string;
  cookie: string;
  /** The `token` query parameter ('' when absent). */
  queryToken: string;
  /** The client's address (a function: decoding it costs, and only failures need it). */
  remote(): string;
  /** POST/PUT/DELETE and WebSocket upgrades: the Origin must be allowed. */
  changesState: boolean;
}

/** A refusal (its code says which: host, origin, token, role, lockout). */
export class Denied extends SkyfeedError {}

export interface AccessGuardOptions {
  auth: AuthConfig;
  tokens: TokenStore;
  sessions: SessionStore;
  hosts: HostPolicy;
  cors: CorsPolicy;
  limiter: RateLimiter;
}

const REALM = 'Bearer realm="skyfeed"';
const ANONYMOUS: Principal = Object.freeze({ role: null, name: null, via: 'none' }) as Principal;
const OPEN_VIEWER: Principal = Object.freeze({ role: 'viewer', name: null, via: 'open' }) as Principal;
const NO_AUTH: Principal = Object.freeze({ role: 'admin', name: null, via: 'disabled' }) as Principal;

export class AccessGuard {
  readonly #o: AccessGuardOptions;
  /** Failed credentials per address count in this bucket; past the limit even a right token waits. */
  static readonly FAILURE_BUCKET = 'auth-failures';

  constructor(o: AccessGuardOptions) {
    this.#o = o;
  }

  check(access: Access, c: Credentials): Principal | Denied {
    const o = this.#o;
    if (!o.hosts.allows(c.host)) {
      return new Denied('SKYFEED_ERR_HOST_NOT_ALLOWED', `Host ${JSON.stringify(c.host.slice(0, 100))} is not this server's (DNS rebinding protection); ` +
        'list the name in http.allowed_hosts to use it');
    }
    if (c.changesState && c.origin && !o.cors.allows(c.origin, c.host)) {
      return new Denied('SKYFEED_ERR_ORIGIN_NOT_ALLOWED', `Origin ${c.origin.slice(0, 100)} is not allowed to change state`);
    }
    if (access === 'public') return ANONYMOUS;
    if (!o.auth.enabled) return NO_AUTH;
    const who = this.#identify(c);
    if (who instanceof Denied) return who;
    if (permits(who.role, access)) return who;
    // No credential at all (an anonymous viewer included): say how to authenticate.
    if (who.via === 'none' || who.via === 'open') {
      return new Denied('SKYFEED_ERR_AUTH_REQUIRED', `authentication required (role ${access}): send Authorization: Bearer <token>`, undefined, [['WWW-Authenticate', REALM]]);
    }
    return new Denied('SKYFEED_ERR_AUTH_ROLE', `role ${access} required; this ${who.via === 'session' ? 'session' : 'token'} (${who.name}) has role ${who.role}`);
  }

  /** Who presented what; Denied for a wrong credential (never silently anonymous). */
  #identify(c: Credentials): Principal | Denied {
    const o = this.#o;
    let token = '';
    if (c.authorization) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(c.authorization);
      if (!m) return new Denied('SKYFEED_ERR_AUTH_INVALID_TOKEN', 'Authorization must be "Bearer <token>"', undefined, [['WWW-Authenticate', `${REALM}, error="invalid_request"`]]);
      token = m[1];
    } else if (c.queryToken) {
      token = c.queryToken;
    }
    if (!token) {
      // A cookie is sent by the browser on its own, so a stale one (the
      // server restarted, the session expired) is no credential at all rather
      // than a wrong one: the viewer keeps watching, and a route that needs
      // more says to log in again.
      const s = o.sessions.lookup(sessionIdFrom(c.cookie));
      if (s) return { role: s.role, name: s.name, via: 'session' };
      return o.auth.viewer_access === 'open' ? OPEN_VIEWER : ANONYMOUS;
    }
    const blocked = o.limiter.peek(AccessGuard.FAILURE_BUCKET, c.remote());
    if (!blocked.allowed) {
      return new Denied('SKYFEED_ERR_AUTH_LOCKED_OUT', `too many failed authentication attempts; retry after ${blocked.retryAfter}s`,
        { retry_after: blocked.retryAfter }, [['Retry-After', String(blocked.retryAfter)]]);
    }
    const t = o.tokens.verify(token);
    if (t) return { role: t.role, name: t.name, via: 'token' };
    o.limiter.check(AccessGuard.FAILURE_BUCKET, c.remote());
    return new Denied('SKYFEED_ERR_AUTH_INVALID_TOKEN', 'invalid token', undefined, [['WWW-Authenticate', `${REALM}, error="invalid_token"`]]);
  }
}
