// Timestamped copies of the user's file, taken before every change.
// Names are config_YYYYMMDD_HHMMSS_mmm.yaml (UTC; the established backup name plus
// milliseconds so two saves within a second keep separate backups). An id is
// accepted only if it matches that pattern exactly, so no id can name a path
// outside the backup folder.

import { copyFile, mkdir, readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

export interface BackupEntry {
  id: string;
  filename: string;
  /** Seconds since the epoch, from the name. */
  timestamp: number;
  size: number;
}

const ID_RE = /^config_(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})(?:_(\d{3}))?$/;
export const KEEP_BACKUPS = 20;

function idFor(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `config_${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}_${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}_${p(d.getUTCMilliseconds(), 3)}`;
}

function timeOf(id: string): number | null {
  const m = ID_RE.exec(id);
  if (!m) return null;
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map((v) => Number(v ?? 0));
  return Date.UTC(y, mo - 1, d, h, mi, s, ms);
}

export function isBackupId(id: string): boolean {
  return timeOf(id) !== null;
}

export class BackupStore {
  readonly dir: string;
  /** Newest id handed out, so ids stay unique and ordered within one process. */
  #lastMs = 0;

  constructor(dir: string, readonly keep = KEEP_BACKUPS) {
    this.dir = dir;
  }

  /** Path of backup `id`, or null for an invalid id. */
  pathOf(id: string): string | null {
    return isBackupId(id) ? path.join(this.dir, `${id}.yaml`) : null;
  }

  /** Copies `file` into a new backup and prunes to the newest `keep`. */
  async create(file: string): Promise<BackupEntry> {
    await mkdir(this.dir, { recursive: true });
    let ms = Math.max(Date.now(), this.#lastMs + 1);
    // Another process (or an earlier run) may own this millisecond already.
    while (await stat(path.join(this.dir, `${idFor(ms)}.yaml`)).then(() => true, () => false)) ms++;
    this.#lastMs = ms;
    const id = idFor(ms);
    const target = path.join(this.dir, `${id}.yaml`);
    await copyFile(file, target);
    await this.prune();
    const st = await stat(target);
    return { id, filename: `${id}.yaml`, timestamp: ms / 1000, size: st.size };
  }

  /** Newest first. */
  async list(): Promise<BackupEntry[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: BackupEntry[] = [];
    for (const name of names) {
      if (!name.endsWith('.yaml')) continue;
      const id = name.slice(0, -5);
      const t = timeOf(id);
      if (t === null) continue;
      const st = await stat(path.join(this.dir, name)).catch(() => null);
      if (st) out.push({ id, filename: name, timestamp: t / 1000, size: st.size });
    }
    return out.sort((a, b) => b.timestamp - a.timestamp || (a.id < b.id ? 1 : -1));
  }

  async prune(): Promise<void> {
    const all = await this.list();
    for (const old of all.slice(this.keep)) await unlink(path.join(this.dir, old.filename)).catch(() => undefined);
  }
}
