// Smart-click figures on the recorded aerial sequence: a click at each
// visible target's centre (targets never touch in these scenes) must give a
// box at IoU ≥ 0.5; clicks on bare ground (≥ 20 px from any target) must give
// none; time per click (segmentation + selection).

import { SmartClick } from '../../lib/index.js';
import { iou, percentile } from './score.js';
import { Recording, replay } from './sequences.js';

export interface ClickFigures {
  center_clicks: number;
  pct_center_iou_50: number;
  mean_center_iou: number;
  bare_clicks: number;
  bare_false_boxes: number;
  ms_median: number;
  ms_p95: number;
  ms_max: number;
}

export async function clickFigures(rec: Recording, bareClicks: number): Promise<ClickFigures> {
  const sc = new SmartClick();
  let seed = 20261128;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff);
  const ms: number[] = [];
  let n = 0;
  let ok = 0;
  let sum = 0;
  let bare = 0;
  let falseBoxes = 0;
  const step = Math.max(1, Math.floor(rec.spec.frames / 50));
  const barePerFrame = Math.ceil(bareClicks / Math.ceil(rec.spec.frames / step));
  await replay(rec, (i, px) => {
    if (i % step !== 0) return;
    const frame = { data: px, width: rec.width, height: rec.height };
    const t = i / rec.fps;
    for (const g of rec.truth[i]) {
      if (!g.visible) continue;
      const t0 = performance.now();
      const r = sc.click(frame, g.bbox[0] + g.bbox[2] / 2, g.bbox[1] + g.bbox[3] / 2, t, false);
      ms.push(performance.now() - t0);
      const v = r.selection.status === 'selected' ? iou(r.selection.detection.bbox, g.bbox) : 0;
      n++;
      sum += v;
      if (v >= 0.5) ok++;
    }
    for (let k = 0; k < barePerFrame && bare < bareClicks; k++) {
      let x = 0;
      let y = 0;
      for (let tries = 0; tries < 100; tries++) {
        x = rand() * rec.width;
        y = rand() * rec.height;
        const clear = rec.truth[i].every((g) => x < g.bbox[0] - 20 || x > g.bbox[0] + g.bbox[2] + 20
          || y < g.bbox[1] - 20 || y > g.bbox[1] + g.bbox[3] + 20);
        if (clear) break;
      }
      const t0 = performance.now();
      const r = sc.click(frame, x, y, t, false);
      ms.push(performance.now() - t0);
      bare++;
      if (r.selection.status === 'selected') falseBoxes++;
    }
  });
  return {
    center_clicks: n, pct_center_iou_50: n ? (100 * ok) / n : 0, mean_center_iou: n ? sum / n : 0,
    bare_clicks: bare, bare_false_boxes: falseBoxes,
    ms_median: percentile(ms, 50), ms_p95: percentile(ms, 95), ms_max: percentile(ms, 100),
  };
}
