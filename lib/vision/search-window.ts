// Geometry shared by the correlation trackers: the padded search window
// around a box and the power-of-two patch it is resampled to. Decided once
// at init (the patch size is fixed for the filter's life; the window follows
// the box's scale).

export interface WindowShape {
  /** Patch size in filter pixels (powers of two). */
  pw: number;
  ph: number;
  /** Window size in frame pixels per unit of box size (1 + padding). */
  pad: number;
}

/**
 * Patch size for a box: the padded window resampled so its longer side is at
 * most `maxSide` (64: a 64x64 FFT costs ≈0.05 ms here, 128 four times that),
 * keeping the aspect ratio to the nearest power of two.
 */
export function windowShape(w: number, h: number, pad: number, maxSide = 64, minSide = 16): WindowShape {
  const ww = w * (1 + pad);
  const wh = h * (1 + pad);
  const f = Math.max(1, Math.max(ww, wh) / maxSide);
  const p2 = (n: number): number => {
    let p = minSide;
    // Nearest power of two in log terms, within bounds.
    while (p < maxSide && p * Math.SQRT2 < n) p <<= 1;
    return p;
  };
  return { pw: p2(ww / f), ph: p2(wh / f), pad: 1 + pad };
}
