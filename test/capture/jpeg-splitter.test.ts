// The MJPEG byte-stream splitter: whole frames out whatever the chunking,
// FF D9 inside a header segment does not end a frame, garbage between frames
// is skipped, oversize frames are dropped and counted.

import t from 'tap';
import sharp from 'sharp';
import { JpegSplitter } from '../../lib/capture/jpeg-splitter.js';

async function jpeg(r: number, g: number, b: number): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: { r, g, b } } }).jpeg().toBuffer();
}

/** A COM segment whose payload contains FF D9 (as an EXIF thumbnail would). */
function withTrap(j: Buffer): Buffer {
  const payload = Buffer.from([0x41, 0xff, 0xd9, 0xff, 0xd8, 0x42]);
  const seg = Buffer.from([0xff, 0xfe, 0, payload.length + 2]);
  return Buffer.concat([j.subarray(0, 2), seg, payload, j.subarray(2)]);
}

t.test('splits concatenated JPEGs at any chunk size', async (t) => {
  const frames = [await jpeg(255, 0, 0), withTrap(await jpeg(0, 255, 0)), await jpeg(0, 0, 255)];
  const stream = Buffer.concat([Buffer.from('garbage'), frames[0], frames[1], Buffer.from([0, 1, 2]), frames[2]]);
  for (const chunk of [1, 2, 7, 100, 4096, stream.length]) {
    const out: Buffer[] = [];
    const s = new JpegSplitter(64 * 1024, (f) => out.push(Buffer.from(f)));
    for (let i = 0; i < stream.length; i += chunk) s.push(stream.subarray(i, i + chunk));
    t.equal(out.length, 3, `chunk ${chunk}: three frames`);
    for (let i = 0; i < 3; i++) t.ok(out[i].equals(frames[i]), `chunk ${chunk}: frame ${i} byte-identical`);
  }
  const decoded = await sharp(frames[1]).raw().toBuffer({ resolveWithObject: true });
  t.equal(decoded.info.width, 64, 'the trap frame is a valid JPEG');
});

t.test('oversize frames are dropped, the next one still comes through', async (t) => {
  const small = await jpeg(10, 20, 30);
  const big = Buffer.concat([small.subarray(0, 2), Buffer.from([0xff, 0xfe, 0x10, 0x00]), Buffer.alloc(0x1000 - 2, 0x55), small.subarray(2)]);
  const out: Buffer[] = [];
  const s = new JpegSplitter(small.length + 16, (f) => out.push(Buffer.from(f)));
  s.push(Buffer.concat([big, small]));
  t.equal(s.oversize, 1);
  t.equal(out.length, 1);
  t.ok(out[0].equals(small));
});
