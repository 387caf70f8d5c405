// The bitmap font: signs the OSD needs, lower case drawn as upper case, clipping.

import t from 'tap';
import { drawText, textWidth, GLYPH_H } from '../../lib/util/bitmap-font.js';

const W = 80;
const H = 20;
const render = (s: string, x = 1, y = 1) => {
  const px = new Uint8Array(W * H * 3);
  drawText(px, W, H, s, x, y, 1, [255, 0, 0]);
  return px;
};
const lit = (px: Uint8Array) => {
  let n = 0;
  for (let i = 0; i < px.length; i += 3) if (px[i] === 255) n++;
  return n;
};

t.test('OSD signs draw; lower case equals upper case; unknown characters are blanks', async (t) => {
  for (const ch of ['%', '|', '_', '+', '=', '<', '>']) t.ok(lit(render(ch)) > 2, `'${ch}' has pixels`);
  t.same(Buffer.from(render('csrt lock')), Buffer.from(render('CSRT LOCK')));
  t.equal(lit(render('~é')), 0);
  t.equal(textWidth('AB', 2), 22);
  // The '|' glyph is a vertical bar in the middle column, 7 rows tall.
  const bar = render('|', 0, 0);
  for (let y = 0; y < GLYPH_H; y++) t.equal(bar[(y * W + 2) * 3], 255);
});

t.test('clips at the image edges without throwing', async (t) => {
  t.doesNotThrow(() => render('EDGE', -3, -4));
  t.doesNotThrow(() => render('EDGE', 78, 18));
  t.ok(lit(render('EDGE', 78, 18)) < lit(render('EDGE')));
});
