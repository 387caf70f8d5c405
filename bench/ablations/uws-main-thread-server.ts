#!/usr/bin/env node
// Ablation (a): the real uWS server with its JPEG encodes injected onto the
// event-loop thread (InlineEncoder) instead of the worker pool, to show what
// the pool buys. Bench-only; the server has no such setting. Same CLI and
// start-up line as lib/main.ts: `node uws-main-thread-server.js --config FILE`.

import { createServer, InlineEncoder, loadConfig } from '../../lib/index.js';

const argv = process.argv.slice(2);
const ci = argv.indexOf('--config');
const config = loadConfig(ci >= 0 ? argv[ci + 1] : undefined);
const server = createServer(config, { encoder: () => new InlineEncoder() });
const port = await server.start();
const s = config.streaming;
console.log(`skyfeed listening on http://${config.http.host}:${port} (uWS + main-thread encoder ablation, ${s.width}x${s.height}@${s.fps})`);
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(0), 1800).unref();
  server.close().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
