// Looking inside JPEG frames a test received: full and thumbnail decodes,
// the NO SIGNAL picture, and ffmpeg's encoder comment.

import sharp from 'sharp';

export interface DecodedFrame {
  width: number;
  height: number;
  /** RGB, 3 bytes per pixel. */
  data: Buffer;
}

export async function decode(jpeg: Buffer): Promise<DecodedFrame> {
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

/** Decodes at 1/8 size or so (DCT scaling): enough to classify a frame, and cheap on a loaded machine. */
export async function decodeSmall(jpeg: Buffer): Promise<DecodedFrame> {
  const { data, info } = await sharp(jpeg)
    .resize(80, 60, { fit: 'fill', fastShrinkOnLoad: true })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

/** A NO SIGNAL frame: mostly the generator's flat dark grey (24,24,24), after JPEG. */
export function isNoSignal(img: DecodedFrame): boolean {
  let grey = 0;
  const n = img.width * img.height;
  for (let i = 0; i < n * 3; i += 3) {
    const r = img.data[i], g = img.data[i + 1], b = img.data[i + 2];
    if (Math.abs(r - 24) < 14 && Math.abs(g - 24) < 14 && Math.abs(b - 24) < 14) grey++;
  }
  return grey / n > 0.85;
}

/** The JPEG carries ffmpeg's encoder comment (COM "Lavc..."): it was passed through, not re-encoded. */
export function hasLavcComment(jpeg: Buffer): boolean {
  return jpeg.subarray(0, 512).includes('Lavc');
}
