#!/usr/bin/env node
// skyfeed command line:
//   node dist/lib/main.js [--config user.yaml] [--port N]
//   node dist/lib/main.js token list|add NAME ROLE|revoke NAME [--config user.yaml]

import { loadConfig, ConfigError } from './config/load.js';
import { createServer } from './server.js';
import { ListenError } from './http/listen.js';
import { tokensFileFor } from './http/auth/bootstrap.js';
import { NativeUwsMissing, TlsFileError } from './http/uws.js';
import { existsSync } from 'node:fs';
import { defaultUserConfigPath } from './config/paths.js';
import { TokenError, TokenStore } from './http/auth/token-store.js';
import { isRole, ROLES } from './http/auth/roles.js';
import { flushLog, logger, setLogLevel } from './util/log.js';

/** SIGINT/SIGTERM must end the process within this, whatever hangs. */
const SHUTDOWN_DEADLINE_MS = 1800;

const USAGE = `usage: skyfeed [--config user.yaml] [--port N]
       skyfeed token list|add NAME ROLE|revoke NAME [--config user.yaml]
  defaults: config/default.yaml, then config/user.yaml if present (the config API saves there without --config);
  synthetic camera when no camera is configured. Roles: ${ROLES.join(', ')}.`;

class UsageError extends Error {}

const log = logger('server');

interface Args {
  config?: string;
  port?: number;
  /** `token ...` subcommand words. */
  token?: string[];
}

function parseArgs(argv: string[]): Args {
  const out: Args = {};
  const value = (flag: string, v: string | undefined) => {
    if (v === undefined || v === '' || v.startsWith('-')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--config' || a === '-c') out.config = value(a, argv[++i]);
    else if (a.startsWith('--config=')) out.config = value('--config', a.slice(9));
    else if (a === '--port') {
      const p = Number(value(a, argv[++i]));
      if (!Number.isInteger(p) || p < 0 || p > 65535) throw new UsageError('--port needs an integer 0..65535');
      out.port = p;
    } else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (a === 'token' && !out.token) out.token = [];
    else if (out.token) out.token.push(a);
    else throw new UsageError(`unknown argument ${a} (try --help)`);
  }
  return out;
}

/** `skyfeed token ...`: manage the tokens file of the config in use, without a running server. */
async function tokenCommand(words: string[], configFile: string, userFile: string | undefined): Promise<void> {
  const config = loadConfig(userFile);
  const store = new TokenStore(tokensFileFor(config, configFile), '');
  const [verb, name, role] = words;
  if (verb === 'list') {
    for (const t of store.list()) console.log(`${t.name}\t${t.role}\t${new Date(t.created * 1000).toISOString()}`);
    return;
  }
  if (verb === 'add' && name && isRole(role)) {
    const token = await store.create(name, role);
    console.log(`${token}\n(token "${name}", role ${role}: shown this once; only its hash is kept in ${store.file})`);
    return;
  }
  if (verb === 'revoke' && name) {
    if (!(await store.revoke(name))) throw new TokenError(`no token named ${name} in ${store.file}`);
    console.log(`revoked ${name} (a running server reads the file at start: restart it, or revoke through DELETE /api/auth/tokens/${name})`);
    return;
  }
  throw new UsageError(USAGE);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // Without --config the config API saves to config/user.yaml, so that file
  // is loaded when it exists: a change made over the API survives a restart.
  const configFile = args.config ?? defaultUserConfigPath;
  const userFile = args.config ?? (existsSync(defaultUserConfigPath) ? defaultUserConfigPath : undefined);
  if (args.token) return tokenCommand(args.token, configFile, userFile);
  const config = loadConfig(userFile, args.port !== undefined ? { http: { port: args.port } } : undefined);
  setLogLevel(config.log.level);
  const server = createServer(config, { configFile });
  const port = await server.start();
  const s = config.streaming;
  const url = `${server.context.secure ? 'https' : 'http'}://${config.http.host}:${port}`;
  // stdout, not the log, and worded exactly so: scripts, the tests and the bench parse this line.
  // Start-up warnings (auth disabled, video unavailable) are written out first.
  flushLog();
  console.log(
    `skyfeed listening on ${url} ` +
      `(source ${config.source.type}, ${s.width}x${s.height}@${s.fps}, q${s.quality}, ${server.context.jpeg.workers} encode workers)`,
  );
  const workers = server.context.jpeg.workers;
  log.info({ url, source: config.source.type, width: s.width, height: s.height, fps: s.fps, workers }, 'listening');
  const stop = (signal: string) => {
    log.info({ signal }, `${signal}, shutting down`);
    setTimeout(() => {
      log.error('shutdown deadline passed, exiting');
      process.exit(0);
    }, SHUTDOWN_DEADLINE_MS).unref();
    server.close().then(
      () => process.exit(0),
      (err: Error) => {
        log.error({ err }, 'error during shutdown');
        process.exit(0);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
  if (err instanceof UsageError) {
    console.error(`skyfeed: ${err.message}`);
    process.exit(2);
  }
  if (err instanceof ConfigError || err instanceof NativeUwsMissing || err instanceof ListenError || err instanceof TokenError || err instanceof TlsFileError) {
    log.fatal(err.message);
    process.exit(1);
  }
  log.fatal({ err }, 'failed to start');
  process.exit(1);
});
