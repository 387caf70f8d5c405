// Loads uWebSockets.js and refuses the pure-JS fallback. The package we
// depend on (an unofficial republish; the official builds are not on the
// registry) silently falls back to a slow Node implementation when its native
// binary does not load, which would make every performance claim false.

import { createRequire } from 'node:module';
import type * as UWS from 'uWebSockets.js';

const require = createRequire(import.meta.url);

export class NativeUwsMissing extends Error {
  constructor(detail: string) {
    super(
      `uWebSockets.js native binary did not load (${detail}). skyfeed refuses to run on the ` +
        `slow pure-JS fallback. Supported: Linux x64/arm64/armv7 with glibc >= 2.31, Node 16/18/20 ` +
        `(package @trufflesuite/uws-js-unofficial@20.30.0-unofficial.0).`,
    );
    this.name = 'NativeUwsMissing';
  }
}

export function loadUws(): typeof UWS {
  if (process.env.UWS_USE_FALLBACK) throw new NativeUwsMissing('UWS_USE_FALLBACK is set');
  // The package prints its fallback warning on console.warn; catch it here.
  const warn = console.warn;
  let warned = '';
  console.warn = (...args: unknown[]) => { warned += args.join(' '); };
  let uws: typeof UWS & { getParts?: unknown };
  try {
    uws = require('uWebSockets.js');
  } finally {
    console.warn = warn;
  }
  // getParts exists only in the native addon, not in the fallback.
  if (typeof uws.getParts !== 'function' || warned.includes('Falling back')) {
    throw new NativeUwsMissing(warned.split('\n').find((l) => l.trim()) ?? 'fallback module loaded');
  }
  return uws;
}
