// A real server in the test's own process, on an ephemeral port: real
// sockets and real clients, without the cost of a child process. Use a
// child process (spawn-server.ts) only where the process boundary is the
// point (signals, crashes, start-up output, the native addon, the server's
// own RSS). The owning test's teardown closes it.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../lib/config/load.js';
import type { SkyfeedConfig } from '../../lib/config/types.js';
import { createServer, type SkyfeedServer } from '../../lib/server.js';
import { TEST_ADMIN_TOKEN, type Owner } from './child-server.js';

export interface InProcessServer {
  server: SkyfeedServer;
  base: string;
  port: number;
  /** The config file the config API writes (tokens.json and backups/ land beside it). */
  configFile: string;
  /** Idempotent; the owner's teardown calls it too. */
  close(): Promise<void>;
}

/**
 * `overrides` are merged over the defaults (http on 127.0.0.1, port 0);
 * the config API writes to a fresh temp file. The admin token is the
 * tests' (SKYFEED_ADMIN_TOKEN semantics) unless `envToken` says otherwise.
 */
export function startInProcess(t: Owner, overrides: Record<string, unknown> = {}, envToken: string | undefined = TEST_ADMIN_TOKEN): Promise<InProcessServer> {
  const configFile = path.join(mkdtempSync(path.join(tmpdir(), 'skyfeed-ip-')), 'user.yaml');
  const http = { host: '127.0.0.1', port: 0, ...(overrides.http as object | undefined) };
  return start(t, loadConfig(undefined, { ...overrides, http }), configFile, envToken);
}

/** A server on an existing config file, as `skyfeed --config FILE` would run it (the file sets http.host and port). */
export function startInProcessWithFile(t: Owner, configFile: string, envToken: string | undefined = TEST_ADMIN_TOKEN): Promise<InProcessServer> {
  return start(t, loadConfig(configFile), configFile, envToken);
}

async function start(t: Owner, config: SkyfeedConfig, configFile: string, envToken: string | undefined): Promise<InProcessServer> {
  // The server reads SKYFEED_ADMIN_TOKEN while it is created; restore the test's environment right after.
  const saved = process.env.SKYFEED_ADMIN_TOKEN;
  if (envToken === undefined) delete process.env.SKYFEED_ADMIN_TOKEN;
  else process.env.SKYFEED_ADMIN_TOKEN = envToken;
  let server: SkyfeedServer;
  try {
    server = createServer(config, { configFile });
  } finally {
    if (saved === undefined) delete process.env.SKYFEED_ADMIN_TOKEN;
    else process.env.SKYFEED_ADMIN_TOKEN = saved;
  }
  let closing: Promise<void> | null = null;
  const close = () => (closing ??= server.close());
  t.teardown(close);
  const port = await server.start();
  return { server, port, base: `http://127.0.0.1:${port}`, configFile, close };
}
