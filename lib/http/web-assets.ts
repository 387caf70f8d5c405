// The dashboard's files (web/static: HTML, CSS; dist/web: the compiled
// TypeScript), read once at start-up into memory with a strong ETag and a
// gzip copy, so a request costs a map lookup and the memory is the size of
// the files (a few hundred KB), never more. Only these files are served:
// the map is the whitelist.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface WebAsset {
  contentType: string;
  body: Buffer;
  /** gzip of body, or null when it would not be smaller. */
  gzip: Buffer | null;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};
/** A dashboard is a few dozen files; anything beyond is a mistake in the folder, not a reason to hold memory. */
const MAX_FILES = 200;
const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** name (path relative to its folder, '/'-separated) → asset; later folders win on a clash. */
export function loadWebAssets(dirs: readonly string[]): Map<string, WebAsset> {
  const out = new Map<string, WebAsset>();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const rel of walk(dir, '')) {
      const type = TYPES[path.extname(rel)];
      if (!type) continue;
      const file = path.join(dir, rel);
      if (statSync(file).size > MAX_FILE_BYTES) continue;
      if (out.size >= MAX_FILES) throw new Error(`web assets: more than ${MAX_FILES} files under ${dirs.join(', ')}`);
      const body = readFileSync(file);
      const gz = gzipSync(body, { level: 9 });
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
      out.set(rel, { contentType: type, body, gzip: gz.length < body.length ? gz : null, etag });
    }
  }
  return out;
}

function* walk(root: string, rel: string): Generator<string> {
  for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) yield* walk(root, r);
    else if (e.isFile()) yield r;
  }
}
