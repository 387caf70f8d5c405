// OpenAPI 3.1 document built from the endpoint declarations (the same body
// schemas the validators were compiled from) plus the streaming routes that
// are not JSON endpoints. Rendered to self-contained HTML for /docs: the
// vehicle has no internet, so no CDN-hosted Swagger UI.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../config/paths.js';
import { schemas } from './api-schemas.js';
import type { EndpointDoc } from './endpoint.js';
import type { RouteEntry } from './router.js';

type Op = Record<string, unknown>;

/** Streaming and page routes registered by hand (not through endpoint()). */
const STATIC_ROUTES: { method: string; path: string; summary: string; tag: string; params?: string[] }[] = [
  { method: 'get', path: '/', tag: 'stream', summary: 'The operator dashboard' },
  { method: 'get', path: '/app/{file}', tag: 'stream', summary: 'The dashboard\'s scripts and styles (ETag, gzip)' },
  { method: 'get', path: '/video_feed', tag: 'stream', summary: 'MJPEG stream (multipart/x-mixed-replace; boundary=frame); ?quality=&fps=', params: ['quality', 'fps'] },
  { method: 'get', path: '/snapshot', tag: 'stream', summary: 'One JPEG; ?quality=', params: ['quality'] },
  { method: 'get', path: '/ws/video_feed', tag: 'stream', summary: 'WebSocket upgrade: JSON meta + binary JPEG per frame', params: ['quality', 'fps'] },
  { method: 'get', path: '/ws/telemetry', tag: 'telemetry', params: ['hz'],
    summary: 'WebSocket upgrade: /status, tracker and follower data and a stats subset as JSON at ?hz=1..10 (default 5)' },
  { method: 'get', path: '/stats', tag: 'telemetry', summary: 'Streaming statistics' },
  { method: 'get', path: '/status', tag: 'telemetry', summary: 'System status with tracking flags and video status' },
  { method: 'get', path: '/metrics', tag: 'telemetry', summary: 'Prometheus metrics (text format 0.0.4)' },
  { method: 'get', path: '/openapi.json', tag: 'docs', summary: 'This document' },
  { method: 'get', path: '/docs', tag: 'docs', summary: 'This document as HTML' },
  { method: 'post', path: '/api/auth/logout', tag: 'auth', summary: 'End the browser session and clear its cookie' },
  { method: 'get', path: '/ws/webrtc_signaling', tag: 'stream', summary: 'WebSocket upgrade: WebRTC signaling (offer / answer / ice-candidate, request-offer)' },
  { method: 'post', path: '/whep', tag: 'stream', summary: 'WHEP: an SDP offer (application/sdp) in, 201 with Location, ETag and the answer SDP' },
  { method: 'patch', path: '/whep/{id}', tag: 'stream', summary: 'WHEP: trickled ICE candidates (application/trickle-ice-sdpfrag)' },
  { method: 'delete', path: '/whep/{id}', tag: 'stream', summary: 'WHEP: end the session' },
];

const ROLE_NOTE: Record<string, string> = {
  public: 'No token needed.',
  viewer: 'Role viewer (no token needed while auth.viewer_access is open).',
  operator: 'Role operator.',
  admin: 'Role admin.',
};

const version = (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

const errorSchema = { type: 'object', required: ['detail'], properties: { detail: {} } };

/** 401/403 answers and the security requirement of a route that needs `access`. */
function accessDoc(access: string): { responses: Record<string, unknown>; extra: Op } {
  const err = { content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPError' } } } };
  const responses: Record<string, unknown> = { 403: { description: 'Host not allowed (DNS rebinding), foreign Origin, or role too low', ...err } };
  if (access !== 'public') responses[401] = { description: 'Missing or invalid token', ...err };
  const extra: Op = { 'x-skyfeed-role': access, security: access === 'public' ? [] : [{ bearer: [] }, { cookie: [] }, { query: [] }] };
  return { responses, extra };
}

/** `routes`: the router's table, the source of each route's role. */
export function buildOpenApi(endpoints: readonly EndpointDoc[], routes: readonly RouteEntry[]): Record<string, unknown> {
  const paths: Record<string, Record<string, Op>> = {};
  const accessOf = (method: string, p: string) => {
    // The dashboard's files are one wildcard route.
    const uwsPath = p === '/app/{file}' ? '/app/*' : p.replace(/\{([A-Za-z_]+)\}/g, ':$1');
    return routes.find((r) => r.path === uwsPath && (r.method === method || (r.method === 'ws' && method === 'get') || (r.method === 'del' && method === 'delete')))?.access ?? 'public';
  };
  for (const r of STATIC_ROUTES) {
    const a = accessDoc(accessOf(r.method, r.path));
    (paths[r.path] ??= {})[r.method] = {
      tags: [r.tag], summary: `${r.summary}. ${ROLE_NOTE[accessOf(r.method, r.path)]}`,
      parameters: [
        ...[...r.path.matchAll(/\{([A-Za-z_]+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } })),
        ...(r.params ?? []).map((name) => ({ name, in: 'query', required: false, schema: { type: 'integer' } })),
      ],
      responses: { 200: { description: 'OK' }, ...a.responses },
      ...a.extra,
    };
  }
  for (const e of endpoints) {
    const oaPath = e.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const names = [...e.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]);
    const responses: Record<string, unknown> = { 200: { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } } };
    const a = accessDoc(e.access);
    Object.assign(responses, a.responses);
    for (const [code, description] of Object.entries(e.errors ?? {})) {
      responses[code] = { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPError' } } } };
    }
    const method = e.method === 'del' ? 'delete' : e.method;
    const op: Op = {
      tags: [e.tag], summary: `${e.summary}. ${ROLE_NOTE[e.access]}`, operationId: `${method}_${oaPath.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '')}`,
      parameters: names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      responses,
      ...a.extra,
    };
    if (e.body) op.requestBody = { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${e.body}` } } } };
    if (e.limit) op['x-rate-limit-bucket'] = e.limit;
    (paths[oaPath] ??= {})[method] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'skyfeed', version, description: 'Camera streaming and control API. Errors are {"detail": ...}. Roles: viewer < operator < admin.' },
    paths,
    components: {
      schemas: { ...schemas, HTTPError: errorSchema },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'skyfeed_session' },
        query: { type: 'apiKey', in: 'query', name: 'token' },
      },
    },
  };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderDocsHtml(doc: Record<string, unknown>): string {
  const paths = doc.paths as Record<string, Record<string, Op>>;
  const comps = (doc.components as { schemas: Record<string, unknown> }).schemas;
  const rows: string[] = [];
  for (const [p, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const body = op.requestBody as { content: Record<string, { schema: { $ref: string } }> } | undefined;
      const ref = body?.content['application/json'].schema.$ref.split('/').pop();
      const codes = Object.entries(op.responses as Record<string, { description: string }>)
        .map(([c, r]) => `<li><code>${esc(c)}</code> ${esc(r.description)}</li>`).join('');
      rows.push(
        `<section><h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(p)}</code></h3>` +
          `<p>${esc(String(op.summary ?? ''))}</p>` +
          (ref ? `<details><summary>Body: ${esc(ref)}</summary><pre>${esc(JSON.stringify(comps[ref], null, 2))}</pre></details>` : '') +
          `<ul>${codes}</ul></section>`,
      );
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>skyfeed API</title><style>
body{font:14px system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}
h3{font-size:15px;margin:.2em 0}section{border-top:1px solid #ddd;padding:.6em 0}
.m{display:inline-block;min-width:3.5em;padding:1px 6px;border-radius:3px;color:#fff;font-size:12px;text-align:center}
.get{background:#2a7}.post{background:#27c}.put{background:#c82}.delete{background:#c33}.patch{background:#a6c}pre{background:#f6f6f6;padding:.6em;overflow:auto}
ul{margin:.2em 0 .2em 1.2em;padding:0}</style></head><body>
<h1>skyfeed API ${esc(String((doc.info as { version: string }).version))}</h1>
<p>Generated from the schemas that validate requests. Machine-readable: <a href="openapi.json">/openapi.json</a>.</p>
${rows.join('\n')}
</body></html>`;
}
