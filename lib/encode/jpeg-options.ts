import type { JpegOptions } from 'sharp';

// Realtime JPEG settings. sharp's defaults turn on Huffman optimisation,
// which costs about 2x per frame; baseline 4:2:0 without it is what browsers
// and MJPEG clients expect and what hardware encoders produce. Measured by
// `npm run bench` (scenario encode-settings).
export function realtimeJpeg(quality: number): JpegOptions {
  return {
    quality,
    progressive: false,
    optimiseCoding: false,
    chromaSubsampling: '4:2:0',
    mozjpeg: false,
    trellisQuantisation: false,
    overshootDeringing: false,
    optimiseScans: false,
  };
}
