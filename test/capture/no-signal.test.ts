// The NO SIGNAL picture: the right size, mostly the flat background, text
// drawn, and the time since the loss changes the picture.

import t from 'tap';
import sharp from 'sharp';
import { NoSignalFrame, formatElapsed, NO_SIGNAL_BACKGROUND } from '../../lib/capture/no-signal.js';

t.test('formatElapsed', async (t) => {
  t.equal(formatElapsed(0), '0:00');
  t.equal(formatElapsed(65_400), '1:05');
  t.equal(formatElapsed(3_725_000), '1:02:05');
  t.equal(formatElapsed(-5), '0:00');
});

t.test('renders text on the background and changes with the clock', async (t) => {
  const f = new NoSignalFrame(320, 240);
  const a = Buffer.alloc(f.bytes);
  const b = Buffer.alloc(f.bytes);
  f.render(a, 0, 5_000, 'v4l2 reconnecting in 2 s');
  f.render(b, 0, 17_000, 'v4l2 reconnecting in 2 s');
  let bg = 0;
  let white = 0;
  for (let i = 0; i < a.length; i += 3) {
    if (a[i] === NO_SIGNAL_BACKGROUND[0] && a[i + 1] === NO_SIGNAL_BACKGROUND[1]) bg++;
    if (a[i] === 255 && a[i + 1] === 255 && a[i + 2] === 255) white++;
  }
  t.ok(bg > (320 * 240) * 0.85, 'mostly background');
  t.ok(white > 500, `text drawn (${white} px)`);
  t.notOk(a.equals(b), 'elapsed time changes the picture');
  // It is a normal RGB24 frame: it encodes and decodes at its size.
  const jpeg = await sharp(a, { raw: { width: 320, height: 240, channels: 3 } }).jpeg().toBuffer();
  const meta = await sharp(jpeg).metadata();
  t.same([meta.width, meta.height], [320, 240]);
});
