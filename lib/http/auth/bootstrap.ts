// Auth at start-up: where token hashes live, and the first start with no
// token anywhere, which creates an admin token, keeps only its hash, and
// shows it once (as Jupyter does). A disabled auth is said loudly.

import path from 'node:path';
import type { SkyfeedConfig } from '../../config/types.js';
import type { TokenStore } from './token-store.js';
import { logger } from '../../util/log.js';

/** auth.tokens_file (relative to the config file), else tokens.json beside it; null: memory only. */
export function tokensFileFor(config: SkyfeedConfig, configFile?: string): string | null {
  const base = configFile ? path.dirname(path.resolve(configFile)) : process.cwd();
  if (config.auth.tokens_file) return path.resolve(base, config.auth.tokens_file);
  return configFile ? path.join(base, 'tokens.json') : null;
}

export async function announceAuth(config: SkyfeedConfig, tokens: TokenStore): Promise<void> {
  const { auth, http } = config;
  if (!auth.enabled) {
    logger('auth').warn(`WARNING: auth.enabled is false: anyone who can reach ${http.host}:${http.port} can command the vehicle ` +
      'and change the configuration. Use this on closed test networks only.');
    return;
  }
  if (tokens.list().length > 0) return;
  const token = await tokens.create('admin', 'admin');
  console.log(
    `skyfeed: created an admin token. It is shown this once; ${tokens.file ? `only its hash is kept, in ${tokens.file}` : 'it lives in memory until exit'}:\n` +
      `    ${token}\n` +
      '  Send it as "Authorization: Bearer <token>", or log in with it on the page at /. ' +
      'More tokens: POST /api/auth/tokens or `skyfeed token add NAME ROLE`.',
  );
}
