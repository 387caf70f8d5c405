#!/usr/bin/env node
// Ablation (b): the same engine (createEngine: frame bus, source, JPEG
// pipeline, fan-out, stats) served over node:http instead of
// uWebSockets.js, so the bench's comparison isolates the HTTP layer.
// Bench-only: serves /video_feed (same wire format), /stats and /status,
// nothing else. Same CLI and start-up line as lib/main.ts:
// `node node-http-server.js --config FILE [--main-thread-encoder]`.

import http from 'node:http';
import { createEngine, InlineEncoder, loadConfig, QueryError, streamParams, type StreamParams } from '../../lib/index.js';
import { NodeHttpMjpegClient } from './node-http-client.js';

const argv = process.argv.slice(2);
const ci = argv.indexOf('--config');
const config = loadConfig(ci >= 0 ? argv[ci + 1] : undefined);
const s = config.streaming;
const engine = createEngine(config, argv.includes('--main-thread-encoder') ? { encoder: () => new InlineEncoder() } : {});
const { fanout, stats, policy, video, jpeg } = engine;
const startedAt = Date.now();

function json(res: http.ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method !== 'GET') return json(res, 405, { detail: 'Method Not Allowed' });
  if (url.pathname === '/video_feed') {
    let params: StreamParams;
    try {
      params = streamParams(url.searchParams, s);
    } catch (err) {
      if (err instanceof QueryError) return json(res, 400, { detail: err.message });
      throw err;
    }
    if (fanout.count('mjpeg') >= s.max_http_clients) return json(res, 503, { detail: `Max HTTP stream clients reached (${s.max_http_clients})` });
    res.writeHead(200, {
      'Content-Type': 'multipart/x-mixed-replace; boundary=frame',
      'Cache-Control': 'no-cache, no-store, must-revalidate',
      Pragma: 'no-cache',
      'X-Accel-Buffering': 'no',
    });
    const client = new NodeHttpMjpegClient(res, req.socket.remoteAddress ?? '', params.quality, params.fps, policy, s.fps, (c) => fanout.remove(c));
    fanout.add(client);
    return;
  }
  if (url.pathname === '/stats') return json(res, 200, stats.snapshot(s.fps, s.quality));
  if (url.pathname === '/status') {
    return json(res, 200, {
      video_status: video.source?.health().state ?? 'unavailable',
      streaming: { fps: s.fps, capture_fps: stats.captureFps, encoded_fps: stats.encodedFps, width: s.width, height: s.height },
      clients: { http: fanout.count('mjpeg'), ws: 0 },
      uptime: (Date.now() - startedAt) / 1000,
    });
  }
  json(res, 404, { detail: `Not Found: ${url.pathname}` });
});

await engine.start();
server.listen(config.http.port, config.http.host, () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.http.port;
  console.log(`skyfeed listening on http://${config.http.host}:${port} (node:http ablation, ${s.width}x${s.height}@${s.fps}, ${jpeg.workers} encode workers)`);
});

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(0), 1800).unref();
  server.close();
  const closed = engine.close(); // ends the streams first (closing boundary), then the sockets go
  server.closeAllConnections();
  closed.finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
