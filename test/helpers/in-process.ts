// A real server in the test's own process, on an ephemeral port: real
// sockets and real clients, without the cost of a child process. Use a
// child process (spawn-server.ts) only where the process boundary is the
// point (signals, crashes, start-up output, the native addon).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../lib/config/load.js';
import { createServer, type SkyfeedServer } from '../../lib/server.js';
import { TEST_ADMIN_TOKEN } from './spawn-server.js';

export interface InProcessServer {
  server: SkyfeedServer;
  base: string;
  port: number;
  /** The config file the config API writes (in a fresh temp dir; tokens.json lands beside it). */
  configFile: string;
  close(): Promise<void>;
}

/**
 * `overrides` are merged over the defaults. The admin token is the tests'
 * (SKYFEED_ADMIN_TOKEN semantics) unless `envToken` says otherwise.
 */
export async function startInProcess(overrides: Record<string, unknown> = {}, envToken: string | undefined = TEST_ADMIN_TOKEN): Promise<InProcessServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'skyfeed-ip-'));
  const configFile = path.join(dir, 'user.yaml');
  const http = { host: '127.0.0.1', port: 0, ...(overrides.http as object | undefined) };
  const config = loadConfig(undefined, { ...overrides, http });
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
  const port = await server.start();
  return { server, port, base: `http://127.0.0.1:${port}`, configFile, close: () => server.close() };
}
