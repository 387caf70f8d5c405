// Crash-safe file replacement: write a temp file in the same directory,
// fsync it, rename it over the target, fsync the directory. A crash at any
// point leaves either the old file or the new one, never a torn mix.

import { open, rename, unlink, readdir } from 'node:fs/promises';
import path from 'node:path';

/** Test seam: runs between the temp file's fsync and the rename. */
export interface WriteHooks {
  beforeRename?(tempFile: string): Promise<void> | void;
}

const TEMP_MARK = '.tmp-';

export async function writeFileAtomic(file: string, data: string, hooks?: WriteHooks): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}${TEMP_MARK}${process.pid}-${Date.now()}`);
  const fh = await open(temp, 'wx', 0o644);
  try {
    await fh.writeFile(data, 'utf8');
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  try {
    await hooks?.beforeRename?.(temp);
    await rename(temp, file);
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

/** Removes temp files a killed process left next to `file`. */
export async function removeStaleTemps(file: string): Promise<number> {
  const dir = path.dirname(file);
  const prefix = `.${path.basename(file)}${TEMP_MARK}`;
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(prefix)) continue;
    await unlink(path.join(dir, name)).catch(() => undefined);
    removed++;
  }
  return removed;
}
