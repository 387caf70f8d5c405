// A load-generator process: opens `count` stream clients (MJPEG or
// WebSocket) or `count` keep-alive HTTP loops on /status against the server,
// on raw `net` sockets, and reports per window what it received. It runs in
// its own process, never inside the server's, and measures its own CPU and
// event-loop utilisation so the driver can tell when it saturates.

import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { LatencyHistogram } from './histogram.js';
import { MjpegParser } from './mjpeg-parser.js';
import { WsParser, upgradeRequest, clientFrame } from './ws-parser.js';
import type { DriverCommand, LoadgenMessage, OpenCommand } from './loadgen-protocol.js';

const send = (m: LoadgenMessage) => process.send!(m);
const nowMs = () => performance.timeOrigin + performance.now();

interface Client {
  sock: net.Socket | null;
  slow: boolean;
  ready: boolean;
  failed: boolean;
  frames: number;
  lastId: number;
  /** The stream parser; its `capture` flag routes JPEG bytes to the sample. */
  parser: { capture: boolean };
}

const clients: Client[] = [];
const latency = new LatencyHistogram();
const errors: string[] = [];
let jpegBytes = 0;
let invalid = 0;
let outOfOrder = 0;
let lost = 0;
let wireBytes = 0;
let totalFrames = 0;
let windowStart = { t: performance.now(), cpu: process.cpuUsage(), elu: performance.eventLoopUtilization() };
let sampleWanted = false;
let sampleParts: Buffer[] | null = null;
let readyCount = 0;
let onReadyChange: (() => void) | null = null;

function noteError(msg: string): void {
  if (errors.length < 20) errors.push(msg);
}

function markReady(c: Client): void {
  if (c.ready || c.failed) return;
  c.ready = true;
  readyCount++;
  onReadyChange?.();
}

function markFailed(c: Client, msg: string): void {
  if (c.failed) return;
  noteError(msg);
  if (c.ready) lost++;
  c.failed = true;
  onReadyChange?.();
}

/** Per frame: counters, latency from the capture timestamp, order, sampling. */
function onFrame(c: Client, length: number, timestampSec: number, id: number, valid: boolean): void {
  const t = nowMs();
  c.frames++;
  totalFrames++;
  jpegBytes += length;
  if (!valid) invalid++;
  if (id <= c.lastId) outOfOrder++;
  c.lastId = id;
  if (timestampSec > 0) latency.add(t - timestampSec * 1000);
  markReady(c);
  if (c === clients[0]) {
    if (sampleParts && c.parser.capture) {
      // Set on the parser itself, which is mid-buffer: the next frame may start in this same read.
      c.parser.capture = false;
      const jpeg = Buffer.concat(sampleParts);
      sampleParts = null;
      send({ type: 'sample', jpegBase64: jpeg.toString('base64') });
    } else if (sampleWanted) {
      // Frame boundary: capture the next frame from its first byte.
      sampleWanted = false;
      sampleParts = [];
      c.parser.capture = true;
    }
  }
}

function openMjpeg(o: OpenCommand, slow: boolean): Client {
  const c: Client = { sock: null, slow, ready: false, failed: false, frames: 0, lastId: -1, parser: { capture: false } };
  const parser = new MjpegParser({
    frame: (f) => onFrame(c, f.length, f.timestamp, f.frameId, f.valid),
    body: (b) => sampleParts?.push(Buffer.from(b)),
    error: (m) => markFailed(c, `mjpeg: ${m}`),
  });
  const sock = net.connect({ host: o.host, port: o.port });
  c.sock = sock;
  sock.setNoDelay(true);
  sock.on('connect', () => sock.write(`GET ${o.path} HTTP/1.1\r\nHost: ${o.host}:${o.port}\r\n\r\n`));
  c.parser = parser;
  sock.on('data', (buf: Buffer) => {
    wireBytes += buf.length;
    parser.push(buf);
  });
  sock.on('error', (e) => markFailed(c, `socket: ${e.message}`));
  sock.on('close', () => markFailed(c, 'stream closed by server'));
  return c;
}

function openWs(o: OpenCommand, slow: boolean): Client {
  const c: Client = { sock: null, slow, ready: false, failed: false, frames: 0, lastId: -1, parser: { capture: false } };
  let metaTs = 0;
  let metaId = -1;
  const sock = net.connect({ host: o.host, port: o.port });
  c.sock = sock;
  const parser = new WsParser({
    text: (m) => {
      // {"type":"frame","timestamp":1732.123456,"frame_id":12,...}: only two fields matter.
      if (!m.startsWith('{"type":"frame"')) return;
      metaTs = numberField(m, '"timestamp":');
      metaId = numberField(m, '"frame_id":');
    },
    binary: (len, valid) => {
      onFrame(c, len, metaTs, metaId, valid);
      metaTs = 0;
    },
    body: (b) => sampleParts?.push(Buffer.from(b)),
    ping: (p) => sock.write(clientFrame(0xa, p)),
    close: (code) => markFailed(c, `ws closed by server (${code})`),
    error: (m) => markFailed(c, `ws: ${m}`),
  });
  sock.setNoDelay(true);
  sock.on('connect', () => sock.write(upgradeRequest(`${o.host}:${o.port}`, o.path).request));
  c.parser = parser;
  sock.on('data', (buf: Buffer) => {
    wireBytes += buf.length;
    parser.push(buf);
  });
  sock.on('error', (e) => markFailed(c, `socket: ${e.message}`));
  sock.on('close', () => markFailed(c, 'ws socket closed'));
  return c;
}

function numberField(s: string, key: string): number {
  const i = s.indexOf(key);
  if (i < 0) return NaN;
  const start = i + key.length;
  let end = start;
  while (end < s.length && s.charCodeAt(end) !== 44 && s.charCodeAt(end) !== 125) end++;
  return Number(s.slice(start, end));
}

/** A keep-alive loop of GET requests: the next request leaves when the previous response is complete. */
function openStatusLoop(o: OpenCommand): Client {
  const c: Client = { sock: null, slow: false, ready: false, failed: false, frames: 0, lastId: -1, parser: { capture: false } };
  const req = Buffer.from(`GET ${o.path} HTTP/1.1\r\nHost: ${o.host}:${o.port}\r\n\r\n`);
  const sock = net.connect({ host: o.host, port: o.port });
  c.sock = sock;
  sock.setNoDelay(true);
  let sentAt = 0;
  let pending: Buffer | null = null;
  let bodyLeft = -1;
  const fire = () => {
    sentAt = nowMs();
    sock.write(req);
  };
  sock.on('connect', () => {
    markReady(c);
    fire();
  });
  sock.on('data', (chunk: Buffer) => {
    wireBytes += chunk.length;
    let buf = pending ? Buffer.concat([pending, chunk]) : chunk;
    pending = null;
    while (buf.length) {
      if (bodyLeft < 0) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) {
          pending = buf;
          return;
        }
        const head = buf.subarray(0, end).toString('latin1');
        if (!head.startsWith('HTTP/1.1 200')) {
          invalid++;
          noteError(`status: ${head.slice(0, 40)}`);
        }
        const m = /content-length:\s*(\d+)/i.exec(head);
        bodyLeft = m ? Number(m[1]) : 0;
        buf = buf.subarray(end + 4);
      }
      const take = Math.min(bodyLeft, buf.length);
      bodyLeft -= take;
      jpegBytes += take;
      buf = buf.subarray(take);
      if (bodyLeft === 0) {
        bodyLeft = -1;
        c.frames++;
        totalFrames++;
        latency.add(nowMs() - sentAt);
        fire();
      }
    }
  });
  sock.on('error', (e) => markFailed(c, `socket: ${e.message}`));
  sock.on('close', () => markFailed(c, 'status connection closed'));
  return c;
}

function open(o: OpenCommand): void {
  for (let i = 0; i < o.count; i++) {
    const slow = i >= o.count - o.slow;
    clients.push(o.kind === 'mjpeg' ? openMjpeg(o, slow) : o.kind === 'ws' ? openWs(o, slow) : openStatusLoop(o));
  }
  sampleWanted = o.sample;
  const finish = () => {
    onReadyChange = null;
    clearTimeout(timer);
    send({ type: 'opened', ready: readyCount, failed: clients.filter((c) => c.failed).length, errors: errors.slice() });
  };
  const timer = setTimeout(finish, o.timeoutMs);
  onReadyChange = () => {
    if (clients.every((c) => c.ready || c.failed)) finish();
  };
  onReadyChange();
}

function mark(): void {
  for (const c of clients) c.frames = 0;
  latency.reset();
  jpegBytes = wireBytes = invalid = outOfOrder = lost = 0;
  errors.length = 0;
  windowStart = { t: performance.now(), cpu: process.cpuUsage(), elu: performance.eventLoopUtilization() };
}

function report(): void {
  const cpu = process.cpuUsage(windowStart.cpu);
  const elu = performance.eventLoopUtilization(windowStart.elu);
  send({
    type: 'report',
    windowMs: performance.now() - windowStart.t,
    fastFrames: clients.filter((c) => !c.slow).map((c) => c.frames),
    slowFrames: clients.filter((c) => c.slow).map((c) => c.frames),
    jpegBytes, wireBytes, invalidFrames: invalid, outOfOrder,
    latency: latency.toSparse(),
    cpuUserUs: cpu.user, cpuSystemUs: cpu.system, elu: elu.utilization,
    errors: errors.slice(), lost,
  });
}

const progress = setInterval(() => send({ type: 'progress', frames: totalFrames }), 500);

process.on('message', (m: DriverCommand) => {
  switch (m.cmd) {
    case 'open': return open(m);
    case 'mark': return mark();
    case 'stall':
      // Stop reading: the kernel buffers fill and the server sees backpressure.
      for (const c of clients) if (c.slow) c.sock?.pause();
      return;
    case 'report': return report();
    case 'close':
      clearInterval(progress);
      for (const c of clients) {
        c.failed = true; // not an error: we are leaving
        c.sock?.destroy();
      }
      process.disconnect();
      return;
  }
});
process.on('disconnect', () => process.exit(0));
