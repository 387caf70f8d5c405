// /api/auth/*: browser login (a session cookie from a token), who am I, and
// token management for admins (create shows the token once; revoke ends the
// token's sessions at once).

import type { RouteGroup } from '../context.js';
import { endpoint, Result } from '../endpoint.js';
import { SkyfeedError } from '../../errors.js';
import { AccessGuard } from '../auth/access-guard.js';
import { sessionCookie, sessionIdFrom } from '../auth/sessions.js';
import { TokenError } from '../auth/token-store.js';
import type { Role } from '../auth/roles.js';
import { reply, sendJson } from '../respond.js';

const tag = 'auth';
const now = () => Date.now() / 1000;

export const authRoutes: RouteGroup = (router, ctx) => {
  const { tokens, sessions } = ctx.auth;
  const auth = ctx.config.auth;

  endpoint<{ token: string }>(router, ctx, {
    access: 'public', method: 'post', path: '/api/auth/login', tag, body: 'Login',
    errors: { 401: 'Invalid token', 429: 'Too many failed attempts' },
    summary: 'Exchange a token for an HttpOnly, SameSite=Strict session cookie (browsers)',
    handle: ({ body, remote }) => {
      if (!auth.enabled) return { success: true, role: 'admin', name: null, auth_enabled: false, timestamp: now() };
      const blocked = ctx.limiter.peek(AccessGuard.FAILURE_BUCKET, remote);
      if (!blocked.allowed) {
        throw new SkyfeedError('SKYFEED_ERR_AUTH_LOCKED_OUT', `too many failed attempts; retry after ${blocked.retryAfter}s`,
          { retry_after: blocked.retryAfter }, [['Retry-After', String(blocked.retryAfter)]]);
      }
      const t = tokens.verify(body.token);
      if (!t) {
        ctx.limiter.check(AccessGuard.FAILURE_BUCKET, remote);
        throw new SkyfeedError('SKYFEED_ERR_AUTH_INVALID_TOKEN', 'invalid token', undefined, [['WWW-Authenticate', 'Bearer realm="skyfeed", error="invalid_token"']]);
      }
      const { id, session } = sessions.create(t.name, t.role);
      return new Result(200, {
        success: true, role: t.role, name: t.name, expires: session.expires / 1000, auth_enabled: true, timestamp: now(),
      }, [['Set-Cookie', sessionCookie(id, sessions.ttlS, ctx.secure)]]);
    },
  });

  router.post('/api/auth/logout', 'public', (res, req) => {
    // Copied before replying: the request dies with this callback.
    const sid = sessionIdFrom(req.getHeader('cookie'));
    const ended = sid ? sessions.end(sid) : false;
    sendJson(reply(res, ctx.cors.headersFor(req.getHeader('origin'))), 200, { success: true, ended, timestamp: now() },
      [['Set-Cookie', sessionCookie('', 0, ctx.secure)]]);
  });

  endpoint(router, ctx, {
    access: 'viewer', method: 'get', path: '/api/auth/whoami', tag,
    summary: 'The caller\'s role (anonymous viewers too when viewer_access is open), and the auth settings',
    handle: ({ who }) => ({
      role: who.role, name: who.name, via: who.via, auth_enabled: auth.enabled, viewer_access: auth.viewer_access, timestamp: now(),
    }),
  });

  endpoint(router, ctx, {
    access: 'admin', method: 'get', path: '/api/auth/tokens', tag, summary: 'Token names, roles and creation times (never the tokens)',
    handle: () => ({ success: true, tokens: tokens.list(), file: tokens.file, timestamp: now() }),
  });

  endpoint<{ name: string; role: Role }>(router, ctx, {
    access: 'admin', method: 'post', path: '/api/auth/tokens', tag, body: 'TokenCreate', limit: 'config',
    errors: { 409: 'Name taken, or too many tokens', 429: 'Too many requests' },
    summary: 'Create a token; the answer is the only place it is ever shown',
    handle: async ({ body }) => {
      try {
        const token = await tokens.create(body.name, body.role);
        return new Result(201, { success: true, name: body.name, role: body.role, token, timestamp: now() });
      } catch (err) {
        if (err instanceof TokenError) throw new SkyfeedError('SKYFEED_ERR_TOKEN_CONFLICT', err.message);
        throw err;
      }
    },
  });

  endpoint(router, ctx, {
    access: 'admin', method: 'del', path: '/api/auth/tokens/:name', tag, limit: 'config',
    errors: { 404: 'No such token in the tokens file', 429: 'Too many requests' },
    summary: 'Revoke a token and end its browser sessions (rotate: create a new one, then revoke the old)',
    handle: async ({ params }) => {
      if (!(await tokens.revoke(params[0]))) throw new SkyfeedError('SKYFEED_ERR_TOKEN_NOT_FOUND', `no token named ${params[0]} in the tokens file (environment tokens change with the environment)`);
      const sessionsEnded = sessions.endAllOf(params[0]);
      return { success: true, revoked: params[0], sessions_ended: sessionsEnded, timestamp: now() };
    },
  });
};
