// The configuration store: validates, saves and audits; it applies nothing
// to the running server (lib/app/live-settings.ts does, for the `immediate`
// tier). Every write runs under one mutex so two writes never interleave:
// re-read the user's YAML, validate the whole resulting configuration with
// the same rules the loader uses, back up the old file, write the new one
// atomically (comments kept via yaml's Document API), record an audit line.

import { existsSync, readFileSync } from 'node:fs';
import { readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Document, parseDocument } from 'yaml';
import { SkyfeedError } from '../errors.js';
import { Mutex } from '../util/mutex.js';
import { ConfigError, loadDefaults, validateConfig } from './load.js';
import { deepMerge, isPlainObject } from './merge.js';
import { removeStaleTemps, writeFileAtomic, type WriteHooks } from './atomic-write.js';
import { BackupStore, type BackupEntry } from './backups.js';
import { AuditLog, type AuditRecord } from './audit-log.js';
import { paramNode } from './schema-meta.js';
import { checkApiWrite } from './api-write-policy.js';
import { redactConfig, redactValue } from './redact.js';
import type { SkyfeedConfig } from './types.js';

export interface ConfigServiceOptions {
  /** The user's YAML; undefined makes the API read-only (writes refused). */
  file?: string;
  /**
   * Where backups and the audit log go; default `<file's dir>/backups/<file's
   * name>/`, so two config files in one directory never share (or prune, or
   * restore) each other's backups.
   */
  backupDir?: string;
  /** Test seam for the crash test; production passes nothing. */
  writeHooks?: WriteHooks;
}

/** One parameter written (or found unchanged): raw values, for the caller to apply and answer. */
export interface SavedChange {
  section: string;
  param: string;
  value: unknown;
  old: unknown;
  /** False when there was nothing to write (a revert of a key the file did not set). */
  saved: boolean;
  backup: BackupEntry | null;
}

/** A parameter whose value differs between two configurations. */
export interface ParamChange {
  section: string;
  parameter: string;
  previous: unknown;
  current: unknown;
}

/** A backup written over the file: what changed, raw values. */
export interface RestoredBackup {
  id: string;
  backup: BackupEntry | null;
  changed: ParamChange[];
}

type Sections = Record<string, Record<string, unknown>>;

const HEADER = ' skyfeed user configuration: keys here override config/default.yaml.\n Written by the config API; comments you add are kept.';

export class ConfigService {
  readonly file: string | undefined;
  readonly backups: BackupStore | null;
  readonly audit: AuditLog | null;
  readonly #opts: ConfigServiceOptions;
  readonly #lock = new Mutex();
  readonly #defaults: Sections;
  /** Defaults + user file, validated; replaced (never mutated) on each write. */
  #effective: SkyfeedConfig;
  /** #effective as the API shows it (secrets and URL passwords masked); rebuilt with it. */
  #shown: SkyfeedConfig;

  constructor(running: SkyfeedConfig, opts: ConfigServiceOptions = {}) {
    this.#opts = opts;
    this.file = opts.file ? path.resolve(opts.file) : undefined;
    this.#defaults = loadDefaults() as Sections;
    const dir = opts.backupDir ?? (this.file ? backupDirFor(this.file) : null);
    this.backups = dir ? new BackupStore(dir) : null;
    this.audit = dir ? new AuditLog(path.join(dir, 'audit.jsonl')) : null;
    // What is saved (defaults + user file), not the running values: CLI
    // overrides such as --port are not part of the file and are not shown.
    if (!this.file) this.#effective = structuredClone(running);
    else if (existsSync(this.file)) this.#effective = this.#validate(this.#userObject(readFileSync(this.file, 'utf8')));
    else this.#effective = this.#validate({});
    this.#shown = redactConfig(this.#effective);
  }

  /** Clears temp files a crashed save left behind; reloads the audit trail. */
  async init(): Promise<void> {
    if (this.file) await removeStaleTemps(this.file);
    await this.audit?.load();
  }

  /** The saved configuration as the API shows it (secrets masked). */
  current(): SkyfeedConfig {
    return this.#shown;
  }

  defaults(): Sections {
    return this.#defaults;
  }

  section(name: string): Record<string, unknown> {
    const s = (this.#shown as unknown as Sections)[name];
    if (!Object.hasOwn(this.#shown, name) || !s) throw new SkyfeedError('SKYFEED_ERR_CONFIG_UNKNOWN_SECTION', `Unknown config section ${JSON.stringify(name)}`);
    return s;
  }

  /** Refuses (SKYFEED_ERR_CONFIG_UNKNOWN_PARAM) unless section.param is in the schema. */
  static requireParam(section: string, param: string): void {
    if (!paramNode(section, param)) throw new SkyfeedError('SKYFEED_ERR_CONFIG_UNKNOWN_PARAM', `Unknown config parameter ${section}.${param}`);
  }

  update(section: string, param: string, value: unknown, client: string): Promise<SavedChange> {
    ConfigService.requireParam(section, param);
    return this.#lock.run(async () => {
      const { doc, existed } = await this.#readDoc();
      checkApiWrite(section, param, value, this.#mediaDirs(doc));
      // The doc is a fresh read: changing it first costs nothing if validation refuses.
      doc.setIn([section, param], value);
      const candidate = this.#validate(this.#plain(doc));
      const old = this.#get(this.#effective, section, param);
      const backup = await this.#save(doc, existed);
      return this.#afterWrite('update', section, param, old, candidate, backup, client);
    });
  }

  revert(section: string, param: string, client: string): Promise<SavedChange> {
    ConfigService.requireParam(section, param);
    return this.#lock.run(async () => {
      const { doc, existed } = await this.#readDoc();
      checkApiWrite(section, param, undefined, this.#mediaDirs(doc));
      const old = this.#get(this.#effective, section, param);
      if (!doc.hasIn([section, param])) {
        // Nothing overrides the default: nothing to write.
        return { section, param, value: old, old, saved: false, backup: null };
      }
      doc.deleteIn([section, param]);
      const rest = doc.getIn([section]) as { items?: unknown[] } | undefined;
      if (rest && Array.isArray(rest.items) && rest.items.length === 0) doc.deleteIn([section]);
      const candidate = this.#validate(this.#plain(doc));
      const backup = await this.#save(doc, existed);
      return this.#afterWrite('revert', section, param, old, candidate, backup, client);
    });
  }

  async history(): Promise<BackupEntry[]> {
    return this.backups ? this.backups.list() : [];
  }

  restore(id: string, client: string): Promise<RestoredBackup> {
    const backups = this.#writable().backups!;
    const source = backups.pathOf(id);
    if (!source) throw new SkyfeedError('SKYFEED_ERR_BACKUP_ID_INVALID', `Invalid backup id ${JSON.stringify(id.slice(0, 64))}; expected config_YYYYMMDD_HHMMSS[_mmm]`);
    return this.#lock.run(async () => {
      const text = await readFile(source, 'utf8').catch(() => null);
      if (text === null) throw new SkyfeedError('SKYFEED_ERR_BACKUP_NOT_FOUND', `Backup ${id} not found`);
      const candidate = this.#validate(this.#userObject(text, `backup ${id}`));
      const { doc, existed } = await this.#readDoc();
      // A backup is an API write like any other: it may not change a
      // file-only key or bring in a source the API could not set. Compared
      // with the file as it is now (it may have been edited by hand).
      const onDisk = this.#validateQuietly(this.#plain(doc)) ?? this.#effective;
      const mediaDirs = this.#mediaDirs(doc);
      for (const c of this.#changes(onDisk, candidate)) checkApiWrite(c.section, c.parameter, c.current, mediaDirs);
      const backup = existed ? await backups.create(this.file!) : null;
      await writeFileAtomic(this.file!, text, { hooks: this.#opts.writeHooks });
      const before = this.#effective;
      this.#setEffective(candidate);
      await this.audit!.append({
        timestamp: Date.now() / 1000, action: 'restore', section: null, parameter: null,
        old_value: null, new_value: id, client, backup_id: backup?.id ?? null,
      });
      return { id, backup, changed: this.#changes(before, candidate) };
    });
  }

  /** Parameters whose current value differs from the default. */
  diff(): { section: string; parameter: string; default: unknown; current: unknown }[] {
    return this.#changes(this.#defaults as unknown as SkyfeedConfig, this.#effective).map((c) => ({
      section: c.section, parameter: c.parameter,
      default: redactValue(c.section, c.parameter, c.previous), current: redactValue(c.section, c.parameter, c.current),
    }));
  }

  recentAudit(): AuditRecord[] {
    return this.audit?.recent() ?? [];
  }

  // ---- internals ----

  #setEffective(cfg: SkyfeedConfig): void {
    this.#effective = cfg;
    this.#shown = redactConfig(cfg);
  }

  /** source.media_dirs as the file on disk says (file-only, so never from the API). */
  #mediaDirs(doc: Document): string[] {
    const dirs = doc.getIn(['source', 'media_dirs']) as { toJSON?(): unknown } | undefined;
    const fromFile = dirs?.toJSON?.();
    if (Array.isArray(fromFile)) return fromFile.filter((d): d is string => typeof d === 'string');
    return this.#effective.source.media_dirs ?? [];
  }

  #validateQuietly(user: Record<string, unknown>): SkyfeedConfig | null {
    try {
      return this.#validate(user);
    } catch {
      return null;
    }
  }

  #writable(): this {
    if (!this.file || !this.backups) throw new SkyfeedError('SKYFEED_ERR_CONFIG_READ_ONLY', 'Server started without a user config file; configuration writes are disabled');
    return this;
  }

  async #readDoc(): Promise<{ doc: Document; existed: boolean }> {
    const file = this.#writable().file!;
    const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (text === null) {
      const doc = new Document({});
      doc.commentBefore = HEADER;
      return { doc, existed: false };
    }
    const doc = parseDocument(text);
    if (doc.errors.length) throw new SkyfeedError('SKYFEED_ERR_CONFIG_FILE_BROKEN', `The user config file ${file} is not valid YAML (${doc.errors[0].message}); fix it or restore a backup`);
    return { doc, existed: true };
  }

  #plain(doc: Document): Record<string, unknown> {
    const obj = doc.toJS() ?? {};
    if (!isPlainObject(obj)) throw new SkyfeedError('SKYFEED_ERR_CONFIG_FILE_BROKEN', 'The user config file must be a mapping of sections');
    return obj;
  }

  #userObject(text: string, what = 'user config file'): Record<string, unknown> {
    const doc = parseDocument(text);
    if (doc.errors.length) throw new SkyfeedError('SKYFEED_ERR_CONFIG_INVALID', `${what} is not valid YAML: ${doc.errors[0].message}`);
    return this.#plain(doc);
  }

  /** Defaults + `user`, checked with the loader's rules; SKYFEED_ERR_CONFIG_INVALID listing each violation. */
  #validate(user: Record<string, unknown>): SkyfeedConfig {
    try {
      return validateConfig(deepMerge(this.#defaults, user), this.file ?? 'config');
    } catch (err) {
      if (err instanceof ConfigError) {
        throw new SkyfeedError('SKYFEED_ERR_CONFIG_INVALID', err.problems, { success: false, validation: { valid: false, errors: err.problems, warnings: [] } });
      }
      throw new SkyfeedError('SKYFEED_ERR_CONFIG_INVALID', [(err as Error).message]);
    }
  }

  async #save(doc: Document, existed: boolean): Promise<BackupEntry | null> {
    const file = this.file!;
    try {
      await mkdir(path.dirname(file), { recursive: true });
      const backup = existed ? await this.backups!.create(file) : null;
      await writeFileAtomic(file, String(doc), { hooks: this.#opts.writeHooks });
      return backup;
    } catch (err) {
      // The old file is untouched (atomic write); say why the save failed.
      throw new SkyfeedError('SKYFEED_ERR_CONFIG_SAVE_FAILED', `Saving ${file} failed: ${(err as Error).message}; the previous file is unchanged`);
    }
  }

  async #afterWrite(action: 'update' | 'revert', section: string, param: string, old: unknown, candidate: SkyfeedConfig, backup: BackupEntry | null, client: string): Promise<SavedChange> {
    this.#setEffective(candidate);
    const value = this.#get(candidate, section, param);
    await this.audit!.append({
      timestamp: Date.now() / 1000, action, section, parameter: param,
      old_value: redactValue(section, param, old), new_value: redactValue(section, param, value), client, backup_id: backup?.id ?? null,
    });
    return { section, param, value, old, saved: true, backup };
  }

  #get(cfg: SkyfeedConfig, section: string, param: string): unknown {
    return (cfg as unknown as Sections)[section]?.[param];
  }

  #changes(a: SkyfeedConfig, b: SkyfeedConfig): ParamChange[] {
    const out: ParamChange[] = [];
    const A = a as unknown as Sections;
    const B = b as unknown as Sections;
    for (const section of new Set([...Object.keys(A), ...Object.keys(B)])) {
      const sa = A[section] ?? {};
      const sb = B[section] ?? {};
      for (const p of new Set([...Object.keys(sa), ...Object.keys(sb)])) {
        if (!isDeepStrictEqual(sa[p], sb[p])) out.push({ section, parameter: p, previous: sa[p] ?? null, current: sb[p] ?? null });
      }
    }
    return out;
  }
}

/** backups/<config file name without extension>/ next to the config file. */
export function backupDirFor(file: string): string {
  return path.join(path.dirname(file), 'backups', path.basename(file, path.extname(file)) || 'config');
}
