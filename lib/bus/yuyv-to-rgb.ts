// YUYV 4:2:2 (V4L2_PIX_FMT_YUYV, "YUY2") to packed RGB24, BT.601 limited range,
// in fixed-point integer math. libvips has no YUYV loader, so the encode
// worker converts into a buffer it keeps (no per-frame allocation).

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Converts `width*height` pixels from `src` (2 bytes/px) into `dst` (3 bytes/px). */
export function yuyvToRgb(src: Uint8Array, dst: Uint8Array, width: number, height: number): void {
  const pairs = (width * height) >> 1;
  let s = 0;
  let d = 0;
  for (let i = 0; i < pairs; i++) {
    const y0 = (src[s] - 16) * 298;
    const u = src[s + 1] - 128;
    const y1 = (src[s + 2] - 16) * 298;
    const v = src[s + 3] - 128;
    s += 4;
    const rv = 409 * v + 128;
    const gu = -100 * u - 208 * v + 128;
    const bu = 516 * u + 128;
    dst[d] = clamp((y0 + rv) >> 8);
    dst[d + 1] = clamp((y0 + gu) >> 8);
    dst[d + 2] = clamp((y0 + bu) >> 8);
    dst[d + 3] = clamp((y1 + rv) >> 8);
    dst[d + 4] = clamp((y1 + gu) >> 8);
    dst[d + 5] = clamp((y1 + bu) >> 8);
    d += 6;
  }
}
