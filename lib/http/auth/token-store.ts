// API tokens, stored as hashes only. A token is 32 random bytes (base64url,
// prefixed "sf_"); its SHA-256 is what the file holds. A fast hash is enough
// here: a 256-bit random secret cannot be guessed from its hash, and a slow
// KDF would cost every request. Presented tokens are compared against every
// stored hash in constant time, with no early exit, so timing says nothing
// about which (or whether any) entry matched.
//
// The file (mode 0600) is rewritten atomically; SKYFEED_ADMIN_TOKEN, when
// set, adds one admin entry held in memory only (for systemd units and
// scripts), and is never written anywhere.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../../config/atomic-write.js';
import { isRole, type Role } from './roles.js';
import { logger } from '../../util/log.js';

export interface TokenInfo {
  name: string;
  role: Role;
  /** Seconds since the epoch. */
  created: number;
  /** Where the token lives: the tokens file, or the environment. */
  source: 'file' | 'env';
}

interface Entry extends TokenInfo {
  hash: Buffer;
}

interface TokenFile {
  version: 1;
  tokens: { name: string; role: Role; hash: string; created: number }[];
}

/** Bounds the file and the per-request comparison loop. */
export const MAX_TOKENS = 64;
export const ENV_TOKEN = 'SKYFEED_ADMIN_TOKEN';
/** A shorter secret in the environment is refused: it could be guessed. */
const MIN_ENV_TOKEN_LENGTH = 16;
const NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;

export class TokenError extends Error {}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export function newToken(): string {
  return `sf_${randomBytes(32).toString('base64url')}`;
}

export class TokenStore {
  /** The hash file; null keeps tokens in memory only (embedded servers without a config file). */
  readonly file: string | null;
  /** File tokens and the environment's, checked on every authenticated request. */
  #entries: Entry[] = [];
  /** Serialises writes so two API calls cannot lose each other's token. */
  #writing: Promise<void> = Promise.resolve();

  constructor(file: string | null, envToken: string | undefined = process.env[ENV_TOKEN]) {
    this.file = file;
    if (file && existsSync(file)) this.#entries = TokenStore.#read(file);
    if (envToken !== undefined && envToken !== '') {
      if (envToken.length < MIN_ENV_TOKEN_LENGTH) {
        throw new TokenError(`${ENV_TOKEN} must be at least ${MIN_ENV_TOKEN_LENGTH} characters (use: openssl rand -base64 32)`);
      }
      this.#entries.push({ name: `env:${ENV_TOKEN}`, role: 'admin', created: Date.now() / 1000, source: 'env', hash: sha256(envToken) });
    }
  }

  static #read(file: string): Entry[] {
    // A tokens file others can read gives away nothing but hashes, yet it
    // should not be readable: tighten it and say so.
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) {
      chmodSync(file, 0o600);
      logger('auth').warn({ file }, `${file} was readable by others (mode ${mode.toString(8)}); set to 0600`);
    }
    let parsed: TokenFile;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as TokenFile;
    } catch (err) {
      throw new TokenError(`${file}: not valid JSON (${(err as Error).message}); fix or remove it`);
    }
    if (parsed?.version !== 1 || !Array.isArray(parsed.tokens)) throw new TokenError(`${file}: expected {"version":1,"tokens":[...]}`);
    return parsed.tokens.slice(0, MAX_TOKENS).map((t, i) => {
      const hash = typeof t.hash === 'string' && /^sha256:[0-9a-f]{64}$/.test(t.hash) ? Buffer.from(t.hash.slice(7), 'hex') : null;
      if (!hash || !isRole(t.role) || typeof t.name !== 'string') throw new TokenError(`${file}: token #${i + 1} is malformed`);
      return { name: t.name, role: t.role, created: Number(t.created) || 0, source: 'file' as const, hash };
    });
  }

  /** The token's entry, or null. Constant time in the token's value. */
  verify(token: string): TokenInfo | null {
    const h = sha256(token);
    let found: Entry | null = null;
    for (const e of this.#entries) {
      // No early exit: every entry is compared whatever matched.
      if (timingSafeEqual(h, e.hash) && !found) found = e;
    }
    return found && { name: found.name, role: found.role, created: found.created, source: found.source };
  }

  list(): TokenInfo[] {
    return this.#entries.map(({ name, role, created, source }) => ({ name, role, created, source }));
  }

  /** True when some token can act as admin. */
  hasAdmin(): boolean {
    return this.#entries.some((e) => e.role === 'admin');
  }

  /** Creates a token; returns it (the only time it is ever shown). */
  create(name: string, role: Role): Promise<string> {
    return this.#write(() => {
      if (!NAME_RE.test(name)) throw new TokenError('token name must be 1-64 characters of letters, digits, "_", "." or "-"');
      if (this.#entries.some((e) => e.name === name)) throw new TokenError(`a token named ${name} exists; revoke it first`);
      if (this.#entries.length >= MAX_TOKENS) throw new TokenError(`at most ${MAX_TOKENS} tokens; revoke one first`);
      const token = newToken();
      this.#entries.push({ name, role, created: Math.round(Date.now() / 1000), source: 'file', hash: sha256(token) });
      return token;
    });
  }

  /** Removes a file token; false when there is none by that name. */
  revoke(name: string): Promise<boolean> {
    return this.#write(() => {
      const i = this.#entries.findIndex((e) => e.name === name && e.source === 'file');
      if (i < 0) return false;
      this.#entries.splice(i, 1);
      return true;
    });
  }

  #write<T>(change: () => T): Promise<T> {
    const run = this.#writing.then(async () => {
      const before = this.#entries.slice();
      const out = change();
      if (out === false) return out;
      if (this.file) {
        const body: TokenFile = {
          version: 1,
          tokens: this.#entries.filter((e) => e.source === 'file').map((e) => ({
            name: e.name, role: e.role, hash: `sha256:${e.hash.toString('hex')}`, created: e.created,
          })),
        };
        try {
          await writeFileAtomic(this.file, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
        } catch (err) {
          this.#entries = before; // memory and disk stay the same
          throw err;
        }
      }
      return out;
    });
    this.#writing = run.then(() => undefined, () => undefined);
    return run;
  }
}
