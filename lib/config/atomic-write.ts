// Crash-safe file replacement: write a temp file in the same directory,
// fsync it, rename it over the target, fsync the directory. A crash at any
// point leaves either the old file or the new one, never a torn mix.
//
// A symlinked target stays a symlink: the link is resolved and the file it
// points to is replaced (a rename over the link itself would turn it into a
// regular file). The replaced file keeps its permission bits and, when we
// are root, its owner: an operator's 0600 config stays 0600.

import { open, rename, unlink, readdir, realpath, stat, readlink, lstat } from 'node:fs/promises';
import path from 'node:path';

/** Test seam: runs between the temp file's fsync and the rename. */
export interface WriteHooks {
  beforeRename?(tempFile: string): Promise<void> | void;
}

export interface WriteOptions {
  hooks?: WriteHooks;
  /** Permission bits for a file that does not exist yet (default 0644); an existing file keeps its own. */
  mode?: number;
}

const TEMP_MARK = '.tmp-';
/** Symlink hops followed for a dangling link before giving up (the kernel's own limit is 40). */
const MAX_LINK_HOPS = 40;

/** The file a write to `file` must replace: `file` itself, or what its symlink chain points to. */
export async function resolveTarget(file: string): Promise<string> {
  try {
    return await realpath(file);
  } catch {
    // Missing, or a dangling link: follow the links by hand to where the file will be.
    let p = path.resolve(file);
    for (let i = 0; i < MAX_LINK_HOPS; i++) {
      const st = await lstat(p).catch(() => null);
      if (!st?.isSymbolicLink()) return p;
      p = path.resolve(path.dirname(p), await readlink(p));
    }
    throw new Error(`${file}: too many levels of symbolic links`);
  }
}

export async function writeFileAtomic(file: string, data: string, o: WriteOptions = {}): Promise<void> {
  const target = await resolveTarget(file);
  const dir = path.dirname(target);
  const existing = await stat(target).catch(() => null);
  const temp = path.join(dir, `.${path.basename(target)}${TEMP_MARK}${process.pid}-${Date.now()}`);
  const mode = existing ? existing.mode & 0o7777 : (o.mode ?? 0o644);
  // Created 0600 whatever the umask, then given its final mode: the content
  // of a secret file is never readable by others, not even for a moment.
  const fh = await open(temp, 'wx', 0o600);
  try {
    await fh.writeFile(data, 'utf8');
    if (existing && process.getuid?.() === 0) await fh.chown(existing.uid, existing.gid);
    await fh.chmod(mode);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  try {
    await o.hooks?.beforeRename?.(temp);
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  // The rename itself is durable only once the directory entry is flushed.
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/** Removes temp files a killed process left next to `file` (or next to what its symlink points to). */
export async function removeStaleTemps(file: string): Promise<number> {
  const target = await resolveTarget(file);
  const dir = path.dirname(target);
  const prefix = `.${path.basename(target)}${TEMP_MARK}`;
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(prefix)) continue;
    await unlink(path.join(dir, name)).catch(() => undefined);
    removed++;
  }
  return removed;
}
