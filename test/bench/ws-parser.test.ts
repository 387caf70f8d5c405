import t from 'tap';
import { WsParser, clientFrame, upgradeRequest } from '../../bench/ws-parser.js';

function serverFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const n = payload.length;
  const head = n < 126 ? Buffer.from([(fin ? 0x80 : 0) | opcode, n]) : n < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (n >= 126) {
    head[0] = (fin ? 0x80 : 0) | opcode;
    if (n < 65536) {
      head[1] = 126;
      head.writeUInt16BE(n, 2);
    } else {
      head[1] = 127;
      head.writeBigUInt64BE(BigInt(n), 2);
    }
  }
  return Buffer.concat([head, payload]);
}

function fakeJpeg(n: number): Buffer {
  const b = Buffer.alloc(n, 0x55);
  b[0] = 0xff; b[1] = 0xd8; b[n - 2] = 0xff; b[n - 1] = 0xd9;
  return b;
}

t.test('upgrade, meta + binary pairs of every length encoding, pings, close', async (t) => {
  const upgrade = Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
  const sizes = [100, 70000, 300]; // 7-bit, 64-bit and 16-bit lengths
  const wire = Buffer.concat([
    upgrade,
    ...sizes.flatMap((n, i) => [serverFrame(1, Buffer.from(`{"type":"frame","timestamp":${1700000000 + i},"frame_id":${i}}`)), serverFrame(2, fakeJpeg(n))]),
    serverFrame(9, Buffer.from('hi')),
    // A fragmented binary message: two frames.
    serverFrame(2, fakeJpeg(50).subarray(0, 20), false), serverFrame(0, fakeJpeg(50).subarray(20)),
    serverFrame(8, Buffer.concat([Buffer.from([0x03, 0xe9]), Buffer.from('Server shutting down')])),
  ]);
  for (const piece of [1, 5, 999, wire.length]) {
    const texts: string[] = [];
    const bins: [number, boolean][] = [];
    const pings: string[] = [];
    let closed: [number, string] = [0, ''];
    let head: [number, string | undefined] = [0, ''];
    const p = new WsParser({
      head: (status, h) => (head = [status, h.get('upgrade')]),
      text: (m) => texts.push(m), binary: (n, v) => bins.push([n, v]), ping: (b) => pings.push(b.toString()),
      close: (c, reason) => (closed = [c, reason]), error: (m) => t.fail(m),
    });
    for (let o = 0; o < wire.length; o += piece) p.push(wire.subarray(o, o + piece));
    t.equal(texts.length, 3, `pieces of ${piece}`);
    t.same(JSON.parse(texts[1]), { type: 'frame', timestamp: 1700000001, frame_id: 1 });
    t.same(bins, [[100, true], [70000, true], [300, true], [50, true]]);
    t.same(pings, ['hi']);
    t.same(closed, [1001, 'Server shutting down'], 'close code and reason');
    t.same(head, [101, 'websocket'], 'the upgrade head');
  }
});

t.test('a refused upgrade and a masked server frame are errors', async (t) => {
  const errors: string[] = [];
  const ev = { text() {}, binary() {}, ping() {}, close() {}, error: (m: string) => errors.push(m) };
  let refused = 0;
  new WsParser({ ...ev, head: (status: number) => (refused = status) }).push(Buffer.from('HTTP/1.1 403 Forbidden\r\n\r\nOrigin not allowed'));
  t.equal(refused, 403, 'the head event gives the refusal\'s status');
  const p = new WsParser(ev);
  p.push(Buffer.from('HTTP/1.1 101 Switching Protocols\r\n\r\n'));
  p.push(Buffer.from([0x82, 0x81, 1, 2, 3, 4, 5]));
  t.match(errors, [/upgrade refused: HTTP\/1.1 403/, /masked/]);
});

t.test('client frames are masked and the upgrade request is well formed', async (t) => {
  const f = clientFrame(0xa, Buffer.from('hi'));
  t.equal(f[0], 0x8a);
  t.equal(f[1], 0x80 | 2);
  const mask = f.subarray(2, 6);
  t.equal(String.fromCharCode(f[6] ^ mask[0], f[7] ^ mask[1]), 'hi');
  const { request, key } = upgradeRequest('h:1', '/ws/video_feed');
  t.match(request, /^GET \/ws\/video_feed HTTP\/1\.1\r\n/);
  t.ok(request.includes(`Sec-WebSocket-Key: ${key}\r\n`) && request.endsWith('\r\n\r\n'));
  t.equal(Buffer.from(key, 'base64').length, 16);
});
