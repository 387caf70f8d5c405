// Audit trail of config changes: one JSON line per change in audit.jsonl
// (next to the backups) so it survives restarts, bounded by rotating to
// audit.jsonl.1 past MAX_BYTES (one generation kept); the newest entries are
// also held in a small in-memory ring for GET /api/config/audit.

import { appendFile, rename, stat } from 'node:fs/promises';

export interface AuditRecord {
  timestamp: number;
  action: 'update' | 'revert' | 'restore';
  section: string | null;
  parameter: string | null;
  old_value: unknown;
  new_value: unknown;
  client: string;
  backup_id: string | null;
}

const MAX_BYTES = 256 * 1024;
const RING = 100;

export class AuditLog {
  readonly file: string;
  readonly #recent: AuditRecord[] = [];

  constructor(file: string) {
    this.file = file;
  }

  async append(rec: AuditRecord): Promise<void> {
    this.#recent.push(rec);
    if (this.#recent.length > RING) this.#recent.shift();
    const size = await stat(this.file).then((s) => s.size, () => 0);
    if (size > MAX_BYTES) await rename(this.file, `${this.file}.1`).catch(() => undefined);
    await appendFile(this.file, `${JSON.stringify(rec)}\n`, { mode: 0o644 });
  }

  /** Newest first. */
  recent(): AuditRecord[] {
    return this.#recent.slice().reverse();
  }
}
