// Every route is registered here with the least role it needs, and nowhere
// else: route groups receive a Router, not the uWS app, so a route cannot
// skip the access check. The router also keeps the table of what it
// registered, which the access tests walk (a new route is tested without
// anyone writing a test for it) and the docs list.

import type { HttpRequest, HttpResponse, TemplatedApp, WebSocketBehavior, us_socket_context_t } from 'uWebSockets.js';
import { AccessGuard, Denied, type Credentials, type Principal } from './auth/access-guard.js';
import type { Access } from './auth/roles.js';
import type { CorsPolicy } from './cors.js';
import { remoteAddress } from './request.js';
import { reply, sendError, sendFailure, statusLine } from './respond.js';
import { logger } from '../util/log.js';
import { LineBudget } from '../util/line-budget.js';

const log = logger('http');
/** Refusal lines per second: enough to see who is failing and how, small against a flood. */
const DENIAL_LINES_PER_S = 20;

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'del';

export interface RouteEntry {
  method: HttpMethod | 'ws';
  /** uWS pattern (`:name` parameters, `/*` wildcard). */
  path: string;
  access: Access;
}

export type Handler = (res: HttpResponse, req: HttpRequest, who: Principal) => void;

/** A WebSocket route: upgrade receives who passed the check. */
export interface WsRoute<T> extends Omit<WebSocketBehavior<T>, 'upgrade'> {
  upgrade(res: HttpResponse, req: HttpRequest, context: us_socket_context_t, who: Principal): void;
}

export class Router {
  readonly app: TemplatedApp;
  /** Everything registered, in order. */
  readonly routes: RouteEntry[] = [];
  readonly #guard: AccessGuard;
  readonly #cors: CorsPolicy;
  /** Refusals logged per second; a flood of bad requests is counted, not logged line by line. */
  readonly #denialLines = new LineBudget(DENIAL_LINES_PER_S);

  constructor(app: TemplatedApp, guard: AccessGuard, cors: CorsPolicy) {
    this.app = app;
    this.#guard = guard;
    this.#cors = cors;
  }

  get(path: string, access: Access, handler: Handler): void {
    this.#http('get', path, access, handler);
  }

  post(path: string, access: Access, handler: Handler): void {
    this.#http('post', path, access, handler);
  }

  put(path: string, access: Access, handler: Handler): void {
    this.#http('put', path, access, handler);
  }

  patch(path: string, access: Access, handler: Handler): void {
    this.#http('patch', path, access, handler);
  }

  del(path: string, access: Access, handler: Handler): void {
    this.#http('del', path, access, handler);
  }

  ws<T>(path: string, access: Access, route: WsRoute<T>): void {
    this.routes.push({ method: 'ws', path, access });
    const { upgrade, ...behavior } = route;
    this.app.ws<T>(path, {
      ...behavior,
      upgrade: (res, req, context) => {
        const who = this.#check(res, req, access, true);
        if (who) upgrade(res, req, context, who);
      },
    });
  }

  /** CORS preflight for every path and a JSON 404; registered last (uWS tries specific routes first). */
  fallback(): void {
    this.app.options('/*', (res, req) => {
      if (!this.#check(res, req, 'public', false)) return;
      const headers = this.#cors.preflight(req.getHeader('origin'));
      res.cork(() => {
        res.writeStatus(statusLine(headers.length ? 204 : 403));
        for (const [k, v] of headers) res.writeHeader(k, v);
        res.end();
      });
    });
    this.app.any('/*', (res, req) => {
      if (!this.#check(res, req, 'public', false)) return;
      sendError(reply(res, this.#cors.headersFor(req.getHeader('origin'))), 'SKYFEED_ERR_NOT_FOUND', `Not Found: ${req.getUrl()}`);
    });
  }

  #http(method: HttpMethod, path: string, access: Access, handler: Handler): void {
    this.routes.push({ method, path, access });
    const changesState = method !== 'get';
    this.app[method](path, (res, req) => {
      const who = this.#check(res, req, access, changesState);
      if (!who) return;
      try {
        handler(res, req, who);
      } catch (err) {
        // A bug in one handler answers 500 instead of ending the process (and every viewer's stream with it).
        log.error({ err, route: path, method: method.toUpperCase() }, `${method.toUpperCase()} ${path} failed`);
        try {
          sendError({ res, aborted: false, cors: [] }, 'SKYFEED_ERR_INTERNAL', 'internal error; see the server log');
        } catch {
          // the handler had already answered or the client left
        }
      }
    });
  }

  /** The principal, or null after answering the refusal. */
  #check(res: HttpResponse, req: HttpRequest, access: Access, changesState: boolean): Principal | null {
    const c: Credentials = {
      host: req.getHeader('host'),
      origin: req.getHeader('origin'),
      authorization: req.getHeader('authorization'),
      cookie: req.getHeader('cookie'),
      queryToken: req.getQuery('token') ?? '',
      // Decoded only when a wrong token must be counted against the address.
      remote: () => remoteAddress(res),
      changesState,
    };
    const verdict = this.#guard.check(access, c);
    if (!(verdict instanceof Denied)) return verdict;
    // The reason is the refusal's own text, which never contains a presented token (a token name at most).
    const budget = this.#denialLines.take();
    if (budget.ok) {
      log.warn({
        event: 'auth_failure', method: req.getMethod().toUpperCase(), route: req.getUrl(), code: verdict.code,
        reason: typeof verdict.detail === 'string' ? verdict.detail : verdict.code, remote: c.remote(),
        ...(budget.droppedBefore ? { not_logged_before: budget.droppedBefore } : {}),
      }, `access denied: ${verdict.code}`);
    }
    sendFailure(reply(res, this.#cors.headersFor(c.origin)), verdict);
    return null;
  }
}
