// A 5x7 bitmap font (upper-case letters, digits, a few signs) for the NO
// SIGNAL frame, the synthetic camera's counter and the OSD. Drawn straight
// into RGB24 pixels: no font files, no libvips text support needed on the
// vehicle, and nothing allocated per frame (glyph rows are bit masks looked
// up by character code; lower case draws as upper case).

const GLYPHS: Record<string, string> = {
  A: '01110100011000111111100011000110001', B: '11110100011000111110100011000111110',
  C: '01110100011000010000100001000101110', D: '11110100011000110001100011000111110',
  E: '11111100001000011110100001000011111', F: '11111100001000011110100001000010000',
  G: '01110100011000010111100011000101111', H: '10001100011000111111100011000110001',
  I: '01110001000010000100001000010001110', J: '00111000100001000010000101001001100',
  K: '10001100101010011000101001001010001', L: '10000100001000010000100001000011111',
  M: '10001110111010110101100011000110001', N: '10001110011010110011100011000110001',
  O: '01110100011000110001100011000101110', P: '11110100011000111110100001000010000',
  Q: '01110100011000110001101011001001101', R: '11110100011000111110101001001010001',
  S: '01111100001000001110000010000111110', T: '11111001000010000100001000010000100',
  U: '10001100011000110001100011000101110', V: '10001100011000110001100010101000100',
  W: '10001100011000110101101011010101010', X: '10001100010101000100010101000110001',
  Y: '10001100010101000100001000010000100', Z: '11111000010001000100010001000011111',
  '0': '01110100011001110101110011000101110', '1': '00100011000010000100001000010001110',
  '2': '01110100010000100010001000100011111', '3': '11111000100010000010000011000101110',
  '4': '00010001100101010010111110001000010', '5': '11111100001111000001000011000101110',
  '6': '00110010001000011110100011000101110', '7': '11111000010001000100010000100001000',
  '8': '01110100011000101110100011000101110', '9': '01110100011000101111000010001001100',
  ':': '00000011000110000000011000110000000', '.': '00000000000000000000000000110001100',
  '-': '00000000000000011111000000000000000', '/': '00000000010001000100010001000000000',
  '(': '00010001000100001000010000010000010', ')': '01000001000001000010000100010001000',
  ' ': '00000000000000000000000000000000000',
  '%': '11000110010001000100010001001100011', '|': '00100001000010000100001000010000100',
  '+': '00000001000010011111001000010000000', '=': '00000000001111100000111110000000000',
  '_': '00000000000000000000000000000011111', ',': '00000000000000000000011000010001000',
  '<': '00010001000100010000010000010000010', '>': '01000001000001000001000100010001000',
  '!': '00100001000010000100001000000000100', '?': '01110100010000100010001000000000100',
  "'": '00100001000100000000000000000000000', '#': '01010010101111101010111110101001010',
  '*': '00000001001010101110101010010000000',
};

export const GLYPH_W = 5;
export const GLYPH_H = 7;

/** Width in pixels of `text` drawn at `scale` (one blank column between glyphs). */
export function textWidth(text: string, scale: number): number {
  return text.length === 0 ? 0 : (text.length * (GLYPH_W + 1) - 1) * scale;
}

/** Row bit masks (bit 4 = leftmost column) per character code below 128; a blank for anything else. */
const ROWS = new Uint8Array(128 * GLYPH_H);
for (const [ch, bits] of Object.entries(GLYPHS)) {
  for (const code of new Set([ch.charCodeAt(0), ch.toLowerCase().charCodeAt(0)])) {
    if (code >= 128) continue;
    for (let row = 0; row < GLYPH_H; row++) ROWS[code * GLYPH_H + row] = parseInt(bits.slice(row * GLYPH_W, (row + 1) * GLYPH_W), 2);
  }
}

/**
 * Draws `text` (unknown characters as blanks) into a packed RGB24 image,
 * clipped to the image, top-left corner at (x, y).
 */
export function drawText(
  rgb: Uint8Array, width: number, height: number,
  text: string, x: number, y: number, scale: number, color: readonly [number, number, number],
): void {
  const [r, g, b] = color;
  for (let c = 0; c < text.length; c++) {
    const code = text.charCodeAt(c);
    if (code >= 128) continue;
    const gx = x + c * (GLYPH_W + 1) * scale;
    for (let row = 0; row < GLYPH_H; row++) {
      const mask = ROWS[code * GLYPH_H + row];
      if (mask === 0) continue;
      for (let col = 0; col < GLYPH_W; col++) {
        if (!(mask & (16 >> col))) continue;
        for (let dy = 0; dy < scale; dy++) {
          const py = y + row * scale + dy;
          if (py < 0 || py >= height) continue;
          for (let dx = 0; dx < scale; dx++) {
            const px = gx + col * scale + dx;
            if (px < 0 || px >= width) continue;
            const o = (py * width + px) * 3;
            rgb[o] = r;
            rgb[o + 1] = g;
            rgb[o + 2] = b;
          }
        }
      }
    }
  }
}
