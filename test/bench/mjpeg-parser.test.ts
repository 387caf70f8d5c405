import t from 'tap';
import net from 'node:net';
import sharp from 'sharp';
import { MjpegParser, type MjpegFrameInfo } from '../../bench/mjpeg-parser.js';
import { SERVER_ENTRIES } from '../../bench/server-process.js';
import { startServer } from '../helpers/child-server.js';

async function jpeg(w: number, h: number, seed: number): Promise<Buffer> {
  const px = Buffer.alloc(w * h * 3);
  for (let i = 0; i < px.length; i++) px[i] = (i * 7 + seed * 13) & 0xff;
  return sharp(px, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
}

function part(j: Buffer, ts: number, id: number): Buffer {
  const head = `--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ${j.length}\r\nX-Timestamp: ${ts.toFixed(6)}\r\nX-Frame-Id: ${id}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), j, Buffer.from('\r\n')]);
}

function chunk(b: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]);
}

const HEAD = 'HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=frame\r\n';

/** Feeds `wire` in pieces of pseudo-random sizes (1..max bytes). */
function feed(p: MjpegParser, wire: Buffer, max: number, seed = 1): void {
  let off = 0;
  let x = seed;
  while (off < wire.length) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const n = 1 + (x % max);
    p.push(wire.subarray(off, off + n));
    off += n;
  }
}

t.test('chunked multipart parts are parsed whatever the read boundaries', async (t) => {
  const jpegs = await Promise.all([jpeg(64, 48, 1), jpeg(80, 60, 2), jpeg(32, 32, 3)]);
  const parts = jpegs.map((j, i) => part(j, 1700000000.123456 + i, 10 + i));
  // One chunk per part (as uWS and node:http write them), then one part split over two chunks.
  const split = parts[2];
  const body = Buffer.concat([chunk(parts[0]), chunk(parts[1]), chunk(split.subarray(0, 50)), chunk(split.subarray(50)), Buffer.from('0\r\n\r\n')]);
  const wire = Buffer.concat([Buffer.from(HEAD + 'Transfer-Encoding: chunked\r\n\r\n'), body]);
  for (const max of [1, 2, 3, 7, 100, 5000, wire.length]) {
    const frames: MjpegFrameInfo[] = [];
    const heads: string[] = [];
    let ended = false;
    const p = new MjpegParser({ frame: (f) => frames.push(f), part: (h) => heads.push(h), error: (m) => t.fail(m), end: () => (ended = true) });
    feed(p, wire, max, max);
    t.same(frames.map((f) => f.length), jpegs.map((j) => j.length), `lengths, pieces up to ${max} bytes`);
    t.same(heads, parts.map((x, i) => x.subarray(0, x.length - jpegs[i].length - 2).toString('latin1')), 'each part\'s header block, as sent');
    t.same(frames.map((f) => f.frameId), [10, 11, 12]);
    t.ok(frames.every((f) => f.valid), 'SOI/EOI found');
    t.ok(Math.abs(frames[1].timestamp - 1700000001.123456) < 1e-6, 'X-Timestamp parsed');
    t.ok(ended, 'last chunk ends the stream');
  }
});

t.test('a plain (not chunked) body works, and a truncated JPEG is flagged', async (t) => {
  const good = await jpeg(40, 30, 4);
  const bad = Buffer.from(good);
  bad[bad.length - 1] = 0; // EOI marker destroyed
  const wire = Buffer.concat([Buffer.from(HEAD + '\r\n'), part(good, 1, 1), part(bad, 2, 2), Buffer.from('--frame--\r\n')]);
  const frames: MjpegFrameInfo[] = [];
  let ended = false;
  const p = new MjpegParser({ frame: (f) => frames.push(f), error: (m) => t.fail(m), end: () => (ended = true) });
  feed(p, wire, 13);
  t.same(frames.map((f) => f.valid), [true, false]);
  t.ok(ended, 'closing boundary ends the stream');
});

t.test('protocol errors are reported, not swallowed', async (t) => {
  const cases: [string, RegExp][] = [
    ['HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n\r\n{}', /HTTP status 503/],
    [HEAD + 'Transfer-Encoding: chunked\r\n\r\nzz\r\n', /bad chunk size/],
    [HEAD + '\r\n--other\r\nContent-Length: 3\r\n\r\nabc', /boundary/],
    [HEAD + '\r\n--frame\r\nContent-Type: image/jpeg\r\n\r\n', /Content-Length/],
  ];
  for (const [wire, re] of cases) {
    const errors: string[] = [];
    const p = new MjpegParser({ frame: () => t.fail('no frame expected'), error: (m) => errors.push(m) });
    p.push(Buffer.from(wire));
    t.match(errors[0], re, wire.slice(0, 30));
    t.ok(p.done);
  }
});

t.test('a part body not followed by CRLF is an error (a wrong Content-Length or broken framing)', async (t) => {
  const good = await jpeg(40, 30, 5);
  const bare = part(good, 1, 1).subarray(0, -2);
  for (const [tail, what] of [['', 'nothing'], ['\n', 'LF only'], ['\r', 'CR only']] as const) {
    const wire = Buffer.concat([Buffer.from(HEAD + '\r\n'), bare, Buffer.from(tail), part(good, 2, 2)]);
    const frames: MjpegFrameInfo[] = [];
    const errors: string[] = [];
    const p = new MjpegParser({ frame: (f) => frames.push(f), error: (m) => errors.push(m) });
    feed(p, wire, 7);
    t.equal(frames.length, 1, `${what}: the first part is complete`);
    t.match(errors, [/part not followed by CRLF/], `${what}: then the framing error`);
    t.ok(p.done);
  }
});

/** Reads `n` frames of /video_feed from a live server; keeps the last JPEG. */
function readFrames(port: number, n: number): Promise<{ frames: MjpegFrameInfo[]; last: Buffer; headers: Map<string, string> }> {
  return new Promise((resolve, reject) => {
    const frames: MjpegFrameInfo[] = [];
    let parts: Buffer[] = [];
    let headers = new Map<string, string>();
    const sock = net.connect({ host: '127.0.0.1', port });
    const p = new MjpegParser({
      head: (_s, h) => (headers = h),
      frame: (f) => {
        frames.push(f);
        if (frames.length === n) {
          sock.destroy();
          resolve({ frames, last: Buffer.concat(parts), headers });
        }
        parts = [];
      },
      body: (b) => parts.push(Buffer.from(b)),
      error: (m) => reject(new Error(m)),
    });
    p.capture = true;
    sock.on('connect', () => sock.write(`GET /video_feed HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`));
    sock.on('data', (b: Buffer) => p.push(b));
    sock.on('error', reject);
    setTimeout(() => reject(new Error('timeout')), 15000).unref();
  });
}

for (const kind of ['uws', 'node-http'] as const) {
  t.test(`the ${kind} server's /video_feed parses into decodable frames`, async (t) => {
    // The bench's server launcher is not tied to this process; the tests' is (no orphan if this file is killed).
    const server = await startServer(t, { streaming: { width: 320, height: 240, fps: 15 }, pipeline: { workers: 1 } }, { entry: SERVER_ENTRIES[kind] });
    const { frames, last, headers } = await readFrames(server.port, 5);
    t.match(headers.get('content-type'), /multipart\/x-mixed-replace; ?boundary=frame/);
    t.equal(headers.get('transfer-encoding'), 'chunked');
    t.ok(frames.every((f) => f.valid && f.length > 1000), 'complete JPEGs');
    t.ok(frames.every((f, i) => i === 0 || f.frameId > frames[i - 1].frameId), 'frame ids increase');
    const age = Date.now() / 1000 - frames[4].timestamp;
    t.ok(age >= 0 && age < 5, `X-Timestamp is a recent capture time (${age.toFixed(3)} s ago)`);
    const meta = await sharp(last).metadata();
    t.match(meta, { format: 'jpeg', width: 320, height: 240 });
    t.equal((await server.stop()).code, 0, 'exits 0 on SIGTERM');
  });
}
