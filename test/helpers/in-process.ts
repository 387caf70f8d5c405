// A real server in the test's own process, on an ephemeral port: real
// sockets and real clients, without the cost of a child process. Use a
// child process (child-server.ts) only where the process boundary is the
// point (signals, crashes, start-up output, the native addon, the server's
// own RSS). The owning test's teardown closes it.

import { loadConfig } from '../../lib/config/load.js';
import type { SkyfeedConfig } from '../../lib/config/types.js';
import { createServer, type ServerOptions, type SkyfeedServer } from '../../lib/server.js';
import { TEST_ADMIN_TOKEN, vehicleFor, writeConfig, type Owner } from './child-server.js';

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
 * `overrides` are merged over the defaults (http on 127.0.0.1, port 0, no
 * vehicle unless the test names one: see vehicleFor) and
 * written to a fresh temp config file, as for a child server. The admin
 * token is the tests' (SKYFEED_ADMIN_TOKEN semantics) unless `envToken`
 * says otherwise.
 */
export function startInProcess(
  t: Owner, overrides: Record<string, unknown> = {}, envToken: string | undefined = TEST_ADMIN_TOKEN, engine: Omit<ServerOptions, 'configFile'> = {},
): Promise<InProcessServer> {
  const http = { host: '127.0.0.1', port: 0, ...(overrides.http as object | undefined) };
  const configFile = writeConfig({ ...overrides, http, vehicle: vehicleFor(overrides) });
  return start(t, loadConfig(configFile), configFile, envToken, engine);
}

/** A server on an existing config file, as `skyfeed --config FILE` would run it (the file sets http.host and port). */
export function startInProcessWithFile(t: Owner, configFile: string, envToken: string | undefined = TEST_ADMIN_TOKEN): Promise<InProcessServer> {
  return start(t, loadConfig(configFile), configFile, envToken);
}

async function start(
  t: Owner, config: SkyfeedConfig, configFile: string, envToken: string | undefined, engine: Omit<ServerOptions, 'configFile'> = {},
): Promise<InProcessServer> {
  // The server reads SKYFEED_ADMIN_TOKEN while it is created; restore the test's environment right after.
  const saved = process.env.SKYFEED_ADMIN_TOKEN;
  if (envToken === undefined) delete process.env.SKYFEED_ADMIN_TOKEN;
  else process.env.SKYFEED_ADMIN_TOKEN = envToken;
  let server: SkyfeedServer;
  try {
    server = createServer(config, { ...engine, configFile });
  } finally {
    if (saved === undefined) delete process.env.SKYFEED_ADMIN_TOKEN;
    else process.env.SKYFEED_ADMIN_TOKEN = saved;
  }
  let closing: Promise<void> | null = null;
  const close = () => (closing ??= server.close().then(dropIdleFetchConnections));
  t.teardown(close);
  const port = await server.start();
  return { server, port, base: `http://127.0.0.1:${port}`, configFile, close };
}

/**
 * Node's fetch keeps idle connections for 4 s (undici keep-alive), and uWS
 * keeps the event loop alive while its end of them is open: after the last
 * test a file would linger for seconds before it exits. Swap in a fresh
 * dispatcher and drop the old one with its connections (the server is
 * closed: nothing useful can still be in flight on them).
 */
async function dropIdleFetchConnections(): Promise<void> {
  interface Dispatcher {
    constructor: new () => Dispatcher;
    destroy(): Promise<void>;
  }
  const key = Symbol.for('undici.globalDispatcher.1');
  const slot = globalThis as unknown as Record<symbol, Dispatcher | undefined>;
  const old = slot[key];
  if (!old) return;
  slot[key] = new old.constructor();
  await old.destroy();
}
