// Declarative JSON endpoints on uWS. A route states its method, path, role,
// body schema and rate-limit bucket once; this module compiles the
// validator at registration, runs the checks in a fixed order (access, by
// the router → rate limit → Content-Type → size → JSON → schema → handler)
// and records the declaration so /openapi.json is generated from exactly
// what is enforced.

import type { HttpResponse } from 'uWebSockets.js';
import type { ServerContext } from './context.js';
import type { Access } from './auth/roles.js';
import type { Principal } from './auth/access-guard.js';
import type { HttpMethod, Router } from './router.js';
import { SkyfeedError } from '../errors.js';
import { readJsonBody } from './body.js';
import { remoteAddress } from './request.js';
import { sendError, sendFailure, sendJson, type Reply } from './respond.js';
import { validatorFor, violations, type SchemaName } from './api-schemas.js';
import { logger } from '../util/log.js';

export type Bucket = 'commands' | 'config' | 'auth';

export interface Call<B = unknown> {
  /** Path parameters in order, URL-decoded. */
  params: string[];
  query: URLSearchParams;
  body: B;
  remote: string;
  /** Who is calling (role and token name), as the router identified them. */
  who: Principal;
}

/** A handler returns the 200 body, or a Result for another code. */
export class Result {
  constructor(readonly status: number, readonly body: unknown, readonly headers?: [string, string][]) {}
}

export interface EndpointSpec<B = unknown> {
  method: HttpMethod;
  /** The least role that may call it. */
  access: Access;
  /** uWS pattern; `:name` segments become path parameters. */
  path: string;
  summary: string;
  tag: string;
  body?: SchemaName;
  limit?: Bucket;
  /** Non-200 codes this endpoint answers, for the docs. */
  errors?: Record<number, string>;
  /** Checks path parameters before any body is read (unknown name → 404 first). */
  checkParams?(params: string[]): void;
  handle(call: Call<B>): unknown;
}

export type EndpointDoc = Omit<EndpointSpec, 'handle'>;

const registry = new WeakMap<ServerContext, EndpointDoc[]>();

export function endpointsOf(ctx: ServerContext): readonly EndpointDoc[] {
  return registry.get(ctx) ?? [];
}

function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new SkyfeedError('SKYFEED_ERR_PARAM_MALFORMED', `malformed path parameter ${JSON.stringify(raw.slice(0, 64))}`);
  }
}

function fail(reply: Reply, err: unknown): void {
  if (err instanceof SkyfeedError) return sendFailure(reply, err);
  logger('http').error({ err }, 'handler error');
  sendError(reply, 'SKYFEED_ERR_INTERNAL', 'Internal server error');
}

function finish(reply: Reply, out: unknown): void {
  if (out instanceof Result) sendJson(reply, out.status, out.body, out.headers);
  else sendJson(reply, 200, out);
}

function tooMany(retryAfter: number): SkyfeedError {
  return new SkyfeedError(
    'SKYFEED_ERR_RATE_LIMITED',
    `Rate limit exceeded. Retry after ${retryAfter}s`,
    { success: false, error: 'Too many requests', retry_after: retryAfter, timestamp: Date.now() / 1000 },
    [['Retry-After', String(retryAfter)]],
  );
}

export function endpoint<B>(router: Router, ctx: ServerContext, spec: EndpointSpec<B>): void {
  const { handle, checkParams, ...doc } = spec;
  let list = registry.get(ctx);
  if (!list) registry.set(ctx, (list = []));
  list.push(doc as EndpointDoc);

  const paramCount = spec.path.split('/').filter((s) => s.startsWith(':')).length;
  const validate = spec.body ? validatorFor(spec.body) : null;

  const run = (reply: Reply, call: Call<B>) => {
    let out: unknown;
    try {
      out = handle(call);
    } catch (err) {
      return fail(reply, err);
    }
    if (out instanceof Promise) out.then((v) => finish(reply, v), (err) => fail(reply, err));
    else finish(reply, out);
  };

  router[spec.method](spec.path, spec.access, (res: HttpResponse, req, who) => {
    const reply: Reply = { res, aborted: false, cors: ctx.cors.headersFor(req.getHeader('origin')) };
    res.onAborted(() => { reply.aborted = true; });
    // HttpRequest dies with this callback: copy what is needed now.
    const rawParams: string[] = [];
    for (let i = 0; i < paramCount; i++) rawParams.push(req.getParameter(i) ?? '');
    const query = new URLSearchParams(req.getQuery() ?? '');
    const contentType = req.getHeader('content-type');
    const contentLength = req.getHeader('content-length');
    const remote = remoteAddress(res);
    try {
      if (spec.limit) {
        const d = ctx.limiter.check(spec.limit, remote);
        if (!d.allowed) throw tooMany(d.retryAfter);
      }
      const params = rawParams.map(decodeParam);
      checkParams?.(params);
      if (!validate) return run(reply, { params, query, body: undefined as B, remote, who });
      readJsonBody(res, { contentType, contentLength, maxBytes: ctx.config.http.max_body_bytes }, () => reply.aborted).then(
        (body) => {
          if (!validate(body)) throw new SkyfeedError('SKYFEED_ERR_BODY_INVALID', violations(validate.errors));
          run(reply, { params, query, body: body as B, remote, who });
        },
      ).catch((err) => fail(reply, err));
    } catch (err) {
      fail(reply, err);
    }
  });
}
