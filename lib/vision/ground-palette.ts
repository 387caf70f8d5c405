// The ground's colours around a window: its border pixels clustered in Lab
// (greedy, running means), most frequent first. A pixel farther than the
// decision ΔE from every entry is foreground: something that is not ground.

import type { RgbFrame } from './types.js';
import { labIndex, labTable } from './lab.js';

/** Border colours within this ΔE of an entry join it (sensor noise is ≈3–4 ΔE). */
const MERGE_DE = 8;
/** Entries kept: the border of a 512 px window has 2044 pixels; 48 colours cover any ground seen here. */
const MAX_ENTRIES = 48;

export class GroundPalette {
  readonly #lab = labTable();
  /** Entries: L, a, b, count; sorted by count (most first) after build(). */
  readonly #e = new Float64Array(MAX_ENTRIES * 4);
  #n = 0;
  #total = 0;

  get size(): number {
    return this.#n;
  }

  /** Clusters the border (1 px wide) of the window [x0, x1) × [y0, y1) (inside the frame). */
  build(frame: RgbFrame, x0: number, y0: number, x1: number, y1: number): void {
    this.#n = 0;
    this.#total = 0;
    for (let x = x0; x < x1; x++) {
      this.#add(frame, x, y0);
      this.#add(frame, x, y1 - 1);
    }
    for (let y = y0 + 1; y < y1 - 1; y++) {
      this.#add(frame, x0, y);
      this.#add(frame, x1 - 1, y);
    }
    this.#sort();
  }

  #add(frame: RgbFrame, x: number, y: number): void {
    const o = (y * frame.width + x) * 3;
    const d = frame.data;
    const li = labIndex(d[o], d[o + 1], d[o + 2]);
    const L = this.#lab[li];
    const A = this.#lab[li + 1];
    const B = this.#lab[li + 2];
    this.#total++;
    const e = this.#e;
    let best = -1;
    let bestD = MERGE_DE * MERGE_DE;
    for (let k = 0; k < this.#n; k++) {
      const dl = e[4 * k] - L;
      const da = e[4 * k + 1] - A;
      const db = e[4 * k + 2] - B;
      const dd = dl * dl + da * da + db * db;
      if (dd < bestD) {
        bestD = dd;
        best = k;
      }
    }
    if (best < 0 && this.#n === MAX_ENTRIES) {
      // Full: join the nearest entry whatever the distance.
      bestD = Infinity;
      for (let k = 0; k < this.#n; k++) {
        const dl = e[4 * k] - L;
        const da = e[4 * k + 1] - A;
        const db = e[4 * k + 2] - B;
        const dd = dl * dl + da * da + db * db;
        if (dd < bestD) {
          bestD = dd;
          best = k;
        }
      }
    }
    if (best < 0) {
      const k = this.#n++;
      e[4 * k] = L; e[4 * k + 1] = A; e[4 * k + 2] = B; e[4 * k + 3] = 1;
      return;
    }
    const c = e[4 * best + 3] + 1;
    e[4 * best] += (L - e[4 * best]) / c;
    e[4 * best + 1] += (A - e[4 * best + 1]) / c;
    e[4 * best + 2] += (B - e[4 * best + 2]) / c;
    e[4 * best + 3] = c;
  }

  /** Most frequent first, so ground pixels usually match at the first test (insertion sort of ≤ 48 entries). */
  #sort(): void {
    const e = this.#e;
    for (let i = 1; i < this.#n; i++) {
      const L = e[4 * i]; const A = e[4 * i + 1]; const B = e[4 * i + 2]; const C = e[4 * i + 3];
      let j = i - 1;
      while (j >= 0 && e[4 * j + 3] < C) {
        e[4 * (j + 1)] = e[4 * j]; e[4 * (j + 1) + 1] = e[4 * j + 1]; e[4 * (j + 1) + 2] = e[4 * j + 2]; e[4 * (j + 1) + 3] = e[4 * j + 3];
        j--;
      }
      e[4 * (j + 1)] = L; e[4 * (j + 1) + 1] = A; e[4 * (j + 1) + 2] = B; e[4 * (j + 1) + 3] = C;
    }
  }

  /** ΔE (CIE76) from the colour to the nearest entry; stops at the first entry within `cap` (enough to call it ground). */
  distance(r: number, g: number, b: number, cap: number): number {
    const li = labIndex(r, g, b);
    const L = this.#lab[li];
    const A = this.#lab[li + 1];
    const B = this.#lab[li + 2];
    const e = this.#e;
    const cap2 = cap * cap;
    let best = Infinity;
    for (let k = 0; k < this.#n; k++) {
      const dl = e[4 * k] - L;
      const da = e[4 * k + 1] - A;
      const db = e[4 * k + 2] - B;
      const dd = dl * dl + da * da + db * db;
      if (dd < best) {
        best = dd;
        if (dd <= cap2) return Math.sqrt(dd);
      }
    }
    return Math.sqrt(best);
  }

  /** Share of the border pixels in entries within `de` of the colour (how much of the border looks like it). */
  support(r: number, g: number, b: number, de: number): number {
    const li = labIndex(r, g, b);
    const L = this.#lab[li];
    const A = this.#lab[li + 1];
    const B = this.#lab[li + 2];
    const e = this.#e;
    let c = 0;
    for (let k = 0; k < this.#n; k++) {
      const dl = e[4 * k] - L;
      const da = e[4 * k + 1] - A;
      const db = e[4 * k + 2] - B;
      if (dl * dl + da * da + db * db <= de * de) c += e[4 * k + 3];
    }
    return this.#total > 0 ? c / this.#total : 0;
  }
}
