// CORS from config: explicit origins, never a wildcard together with
// credentials (the config loader refuses that combination): a wildcard
// with credentials would let any page act as the logged-in operator.

import type { CorsConfig } from '../config/types.js';

export interface CorsPolicy {
  /** Headers to add for a request from `origin`; empty when not allowed. */
  headersFor(origin: string): [string, string][];
  /**
   * Whether a browser at `origin` may change state or open a WebSocket:
   * a listed origin, or this server's own (scheme, host and port all equal).
   */
  allows(origin: string, host: string): boolean;
  preflight(origin: string): [string, string][];
}

/** `scheme`: what this server speaks (https under http.tls), part of its own origin. */
export function corsPolicy(cfg: CorsConfig, scheme: 'http' | 'https' = 'http'): CorsPolicy {
  const any = cfg.origins.includes('*');
  const allowed = new Set(cfg.origins);
  const none: [string, string][] = [];
  // Built once per origin on first use; bounded by the configured list.
  const cache = new Map<string, [string, string][]>();
  const headersFor = (origin: string): [string, string][] => {
    if (!origin || !(any || allowed.has(origin))) return none;
    let h = cache.get(origin);
    if (!h) {
      h = [['Access-Control-Allow-Origin', any ? '*' : origin], ['Vary', 'Origin']];
      if (cfg.allow_credentials) h.push(['Access-Control-Allow-Credentials', 'true']);
      if (cache.size < 128) cache.set(origin, h);
    }
    return h;
  };
  return {
    headersFor,
    allows(origin, host) {
      if (!origin) return true; // not a browser: tools, scripts, the ground station
      if (any || allowed.has(origin)) return true;
      // Same origin: the page served by this server. URL normalises case and
      // default ports on both sides; https://host is not http://host.
      try {
        const o = new URL(origin);
        return o.protocol === `${scheme}:` && o.host === new URL(`${scheme}://${host}`).host;
      } catch {
        return false;
      }
    },
    preflight(origin) {
      const base = headersFor(origin);
      if (base === none) return none;
      return [
        ...base,
        // PATCH and If-Match: WHEP trickle from a page on another origin.
        ['Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS'],
        ['Access-Control-Allow-Headers', 'Content-Type, Authorization, If-Match'],
        ['Access-Control-Max-Age', String(cfg.max_age_s)],
      ];
    },
  };
}
