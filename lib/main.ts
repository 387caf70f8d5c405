#!/usr/bin/env node
// skyfeed command line: `node dist/lib/main.js [--config user.yaml] [--port N]`.

import { loadConfig, ConfigError } from './config/load.js';
import { createServer } from './server.js';
import { NativeUwsMissing } from './http/uws.js';
import { existsSync } from 'node:fs';
import { defaultUserConfigPath } from './config/paths.js';

/** SIGINT/SIGTERM must end the process within this, whatever hangs. */
const SHUTDOWN_DEADLINE_MS = 1800;

function parseArgs(argv: string[]): { config?: string; port?: number } {
  const out: { config?: string; port?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--config' || a === '-c') out.config = argv[++i];
    else if (a.startsWith('--config=')) out.config = a.slice(9);
    else if (a === '--port') out.port = Number(argv[++i]);
    else if (a === '--help' || a === '-h') {
      console.log('usage: skyfeed [--config user.yaml] [--port N]\n  defaults: config/default.yaml, then config/user.yaml if present (the config API saves there without --config); synthetic camera when no camera is configured');
      process.exit(0);
    } else {
      console.error(`skyfeed: unknown argument ${a} (try --help)`);
      process.exit(2);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // Without --config the config API saves to config/user.yaml, so that file
  // is loaded when it exists: a change made over the API survives a restart.
  const configFile = args.config ?? defaultUserConfigPath;
  const userFile = args.config ?? (existsSync(defaultUserConfigPath) ? defaultUserConfigPath : undefined);
  const config = loadConfig(userFile, args.port !== undefined ? { http: { port: args.port } } : undefined);
  const server = createServer(config, { configFile });
  const port = await server.start();
  const s = config.streaming;
  console.log(
    `skyfeed listening on http://${config.http.host}:${port} ` +
      `(source ${config.source.type}, ${s.width}x${s.height}@${s.fps}, q${s.quality}, ${server.context.pipeline.workers} encode workers)`,
  );
  const stop = (signal: string) => {
    console.log(`skyfeed: ${signal}, shutting down`);
    setTimeout(() => {
      console.error('skyfeed: shutdown deadline passed, exiting');
      process.exit(0);
    }, SHUTDOWN_DEADLINE_MS).unref();
    server.close().then(
      () => process.exit(0),
      (err) => {
        console.error('skyfeed: error during shutdown:', err);
        process.exit(0);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof NativeUwsMissing) {
    console.error(`skyfeed: ${err.message}`);
    process.exit(1);
  }
  console.error('skyfeed: failed to start:', err);
  process.exit(1);
});
