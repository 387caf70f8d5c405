// Audit trail of config changes: one JSON line per change in audit.jsonl
// (next to the backups) so it survives restarts, bounded by rotating to
// audit.jsonl.1 past MAX_BYTES (one generation kept); the newest entries are
// also held in a small in-memory ring for GET /api/config/audit, refilled
// from the files at start.

import { appendFile, mkdir, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { logger } from '../util/log.js';

export interface AuditRecord {
  timestamp: number;
  /** Config changes, and the vehicle's offboard transitions (section `vehicle`). */
  action: 'update' | 'revert' | 'restore' | 'offboard';
  section: string | null;
  parameter: string | null;
  old_value: unknown;
  new_value: unknown;
  client: string;
  backup_id: string | null;
}

const MAX_BYTES = 256 * 1024;
const log = logger('config');
const RING = 100;

export class AuditLog {
  readonly file: string;
  readonly #recent: AuditRecord[] = [];

  constructor(file: string) {
    this.file = file;
  }

  /** Refills the in-memory ring from the files (newest RING lines); unreadable lines are skipped. */
  async load(): Promise<void> {
    const lines: string[] = [];
    for (const f of [`${this.file}.1`, this.file]) {
      const text = await readFile(f, 'utf8').catch(() => '');
      for (const line of text.split('\n')) if (line.trim()) lines.push(line);
    }
    const loaded: AuditRecord[] = [];
    for (const line of lines.slice(-RING)) {
      try {
        const rec = JSON.parse(line) as AuditRecord;
        if (rec && typeof rec === 'object' && typeof rec.action === 'string') loaded.push(rec);
      } catch {
        // a line torn by a crash mid-append: skip it
      }
    }
    // Entries appended while loading stay newest.
    this.#recent.unshift(...loaded);
    if (this.#recent.length > RING) this.#recent.splice(0, this.#recent.length - RING);
  }

  async append(rec: AuditRecord): Promise<void> {
    // Config changes also go to the server log: the key and who made it
    // (values stay in the audit file, secrets redacted there). Offboard
    // transitions are logged by the flight service.
    if (rec.action !== 'offboard') {
      const key = rec.section ? `${rec.section}.${rec.parameter}` : null;
      log.info({ event: 'config_change', action: rec.action, key, actor: rec.client, backup_id: rec.backup_id },
        key ? `config ${rec.action}: ${key} by ${rec.client}` : `config ${rec.action}: backup ${String(rec.new_value)} by ${rec.client}`);
    }
    this.#recent.push(rec);
    if (this.#recent.length > RING) this.#recent.shift();
    const size = await stat(this.file).then((s) => s.size, () => -1);
    // The first change to a file that did not exist yet took no backup, so
    // the folder may not be there.
    if (size < 0) await mkdir(path.dirname(this.file), { recursive: true });
    if (size > MAX_BYTES) await rename(this.file, `${this.file}.1`).catch(() => undefined);
    await appendFile(this.file, `${JSON.stringify(rec)}\n`, { mode: 0o600 });
  }

  /** Newest first. */
  recent(): AuditRecord[] {
    return this.#recent.slice().reverse();
  }
}
