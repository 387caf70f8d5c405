// Loads uWebSockets.js and refuses the pure-JS fallback. The package we
// depend on (an unofficial republish; the official builds are not on the
// registry) silently falls back to a slow Node implementation when its native
// binary does not load, which would make every performance claim false.

import { readFileSync } from 'node:fs';
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
  // The package explains its fallback on console.warn (binary failed to
  // load) or console.log (UWS_USE_FALLBACK set); capture both for our message.
  const { warn, log } = console;
  let warned = '';
  console.warn = console.log = (...args: unknown[]) => { warned += args.join(' '); };
  let uws: typeof UWS & { getParts?: unknown };
  try {
    uws = require('uWebSockets.js');
  } finally {
    console.warn = warn;
    console.log = log;
  }
  // getParts exists only in the native addon, not in the fallback.
  if (typeof uws.getParts !== 'function' || /fallback|falling back/i.test(warned)) {
    throw new NativeUwsMissing(warned.split('\n').find((l) => l.trim()) ?? 'fallback module loaded');
  }
  return uws;
}

/** A plain app, or a TLS one (SSLApp) when `tls` names the certificate and key; unreadable files are named. */
export function createApp(uws: typeof UWS, tls?: { cert: string; key: string }): UWS.TemplatedApp {
  if (!tls) return uws.App();
  for (const [key, file] of Object.entries(tls)) {
    try {
      readFileSync(file);
    } catch (err) {
      throw new TlsFileError(`http.tls.${key}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  return uws.SSLApp({ cert_file_name: tls.cert, key_file_name: tls.key });
}

export class TlsFileError extends Error {
  override name = 'TlsFileError';
}
