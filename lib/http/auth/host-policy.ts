// DNS-rebinding defence. A page on evil.example can make its own name
// resolve to this server's address; the browser then talks to us while
// believing it talks to evil.example, with evil.example as Host and Origin,
// so an Origin check alone passes. Requests are answered only when the Host
// header names this machine: an IP literal, localhost, the machine's own
// hostname (and its mDNS .local form), or a name listed in
// http.allowed_hosts (a reverse proxy's public name, a DNS name for the
// vehicle).

import { hostname } from 'node:os';
import { isIP } from 'node:net';

export interface HostPolicy {
  /** True when a request carrying this Host header may be served. */
  allows(hostHeader: string): boolean;
}

/** Decisions remembered per Host value; real clients send a handful of distinct values. */
const CACHE_MAX = 64;

/** The host name in a Host header, lowercased, without port or IPv6 brackets. */
export function hostName(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 0 ? h.slice(1, end) : h;
  }
  const colon = h.lastIndexOf(':');
  // Only a numeric suffix is a port; a bare IPv6 address has several colons.
  if (colon > 0 && h.indexOf(':') === colon && /^\d+$/.test(h.slice(colon + 1))) return h.slice(0, colon);
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

export function hostPolicy(allowedHosts: readonly string[], machineName = hostname()): HostPolicy {
  const names = new Set(['localhost']);
  for (const n of [machineName, ...allowedHosts]) {
    const lower = n.toLowerCase();
    names.add(lower);
    const short = lower.split('.')[0];
    if (n === machineName) {
      names.add(short);
      names.add(`${short}.local`);
    }
  }
  const cache = new Map<string, boolean>();
  const decide = (header: string): boolean => {
    const name = hostName(header);
    if (name === '') return false;
    if (isIP(name)) return true;
    return names.has(name) || name.endsWith('.localhost');
  };
  return {
    allows(header) {
      let ok = cache.get(header);
      if (ok === undefined) {
        ok = decide(header);
        if (cache.size < CACHE_MAX) cache.set(header, ok);
      }
      return ok;
    },
  };
}
