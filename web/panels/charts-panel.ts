// Small live line charts over the last five minutes: fps (capture and
// displayed), latency, bandwidth, encode time, tracker confidence. One
// sample a second per series into a fixed ring (300 samples × 8 bytes).

import type { MountPanel } from '../context.js';
import { onVideoStats, type VideoStats } from '../video/video-stats.js';
import { onTelemetry } from './feed.js';
import { Ring } from './ring.js';
import type { TelemetryMessage } from '../telemetry-types.js';

/** Five minutes at one sample a second. */
const SAMPLES = 300;
const SAMPLE_MS = 1000;

interface Series { id: string; title: string; unit: string; get(m: TelemetryMessage | null, v: VideoStats | null): number | null; ring: Ring }

const series: Series[] = [
  { id: 'fps', title: 'display fps', unit: 'fps', get: (_m, v) => v?.fps ?? null, ring: new Ring(SAMPLES) },
  { id: 'capture', title: 'capture fps', unit: 'fps', get: (m) => m?.stats?.capture_fps ?? null, ring: new Ring(SAMPLES) },
  { id: 'latency', title: 'latency', unit: 'ms', get: (_m, v) => v?.latencyMs ?? null, ring: new Ring(SAMPLES) },
  { id: 'bandwidth', title: 'bandwidth', unit: 'KB/s', get: (m) => (m?.stats ? m.stats.bytes_per_sec / 1024 : null), ring: new Ring(SAMPLES) },
  { id: 'encode', title: 'encode p50', unit: 'ms', get: (m) => m?.stats?.encode_ms_p50 ?? null, ring: new Ring(SAMPLES) },
  {
    id: 'confidence', title: 'tracker confidence', unit: '%', ring: new Ring(SAMPLES),
    get: (m) => {
      const c = m?.tracker?.tracker_data?.confidence;
      return typeof c === 'number' ? c * 100 : 0;
    },
  },
];

function draw(canvas: HTMLCanvasElement, s: Series): void {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(canvas.clientWidth * dpr));
  const h = Math.max(1, Math.round(canvas.clientHeight * dpr));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const g = canvas.getContext('2d')!;
  g.clearRect(0, 0, w, h);
  const r = s.ring;
  if (r.length < 2) return;
  let max = 0;
  for (let i = 0; i < r.length; i += 1) max = Math.max(max, r.at(i));
  max = max > 0 ? max * 1.15 : 1;
  g.strokeStyle = '#4aa3ff';
  g.lineWidth = 1.5 * dpr;
  g.beginPath();
  for (let i = 0; i < r.length; i += 1) {
    const x = w - ((r.length - 1 - i) / (SAMPLES - 1)) * w;
    const y = h - (r.at(i) / max) * (h - 2 * dpr) - dpr;
    if (i === 0) g.moveTo(x, y);
    else g.lineTo(x, y);
  }
  g.stroke();
}

export const mountCharts: MountPanel = (el, ctx) => {
  el.innerHTML = `<h2>charts · last 5 min</h2><div class="charts">${series.map((s) => `<figure>
    <figcaption>${s.title} <b id="chart-${s.id}-now">—</b> ${s.unit}</figcaption><canvas id="chart-${s.id}"></canvas></figure>`).join('')}</div>`;
  let m: TelemetryMessage | null = null;
  let v: VideoStats | null = null;
  onTelemetry(ctx, (x) => { m = x; });
  onVideoStats((x) => { v = x; });
  setInterval(() => {
    if (!m && !v) return;
    for (const s of series) {
      const x = s.get(m, v);
      s.ring.push(x ?? 0);
      el.querySelector(`#chart-${s.id}-now`)!.textContent = x === null ? '—' : x.toFixed(x < 10 ? 1 : 0);
      draw(el.querySelector<HTMLCanvasElement>(`#chart-${s.id}`)!, s);
    }
    el.dataset.samples = String(series[0].ring.length);
  }, SAMPLE_MS);
};
