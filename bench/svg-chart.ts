// The bench chart: delivered fps (left) and server CPU µs per delivered
// frame (right) against clients, one line per configuration, with the
// targets drawn in. Plain SVG written by hand: no plotting dependency.

import type { ScenarioResult } from './run-scenario.js';

export interface ChartOptions {
  title: string;
  subtitle: string;
}

const W = 980;
const H = 470;
const PANEL_W = 400;
const PANEL_H = 300;
const TOP = 70;
const LEFT = [70, 560];
const COLORS = ['#1f77b4', '#2ca02c', '#d62728', '#ff7f0e', '#9467bd', '#8c564b', '#17becf'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Axis {
  min: number;
  max: number;
  log: boolean;
}

function scale(a: Axis, v: number, px: number): number {
  const t = a.log ? (Math.log10(v) - Math.log10(a.min)) / (Math.log10(a.max) - Math.log10(a.min)) : (v - a.min) / (a.max - a.min);
  return Math.max(0, Math.min(1, t)) * px;
}

function logTicks(min: number, max: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= min * 0.999 && v <= max * 1.001) out.push(v);
    }
  }
  return out;
}

function linTicks(min: number, max: number): number[] {
  const step = [1, 2, 5, 10, 20, 50, 100].find((s) => (max - min) / s <= 8) ?? 100;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step) out.push(v);
  return out;
}

const fmt = (v: number) => (v >= 1000 ? `${v / 1000}k` : String(+v.toPrecision(3)));

export function chartSvg(results: ScenarioResult[], o: ChartOptions): string {
  const fan = results.filter((r) => r.group === 'fanout' && r.clients > 0);
  const configs = [...new Set(fan.map((r) => r.config))];
  const clients = fan.map((r) => r.clients);
  const xAxis: Axis = { min: Math.min(1, ...clients), max: Math.max(10, ...clients), log: true };
  const fpsMax = Math.max(35, ...fan.map((r) => r.delivered_fps.median)) * 1.05;
  const us = fan.map((r) => r.cpu_us_per_frame).filter((v) => Number.isFinite(v) && v > 0);
  const usAxis: Axis = { min: Math.min(5, ...us) * 0.8, max: Math.max(100, ...us) * 1.25, log: true };
  const panels = [
    { title: 'Delivered fps per client (median; whiskers to min)', axis: { min: 0, max: fpsMax, log: false } as Axis, value: (r: ScenarioResult) => r.delivered_fps.median, low: (r: ScenarioResult) => r.delivered_fps.min, refs: [{ v: 29, label: 'target ≥ 29' }] },
    { title: 'Server CPU µs per delivered frame (log)', axis: usAxis, value: (r: ScenarioResult) => r.cpu_us_per_frame, low: null, refs: [{ v: 20, label: 'target ≤ 20' }, { v: 32, label: 'node:http ref ~32' }, { v: 13, label: 'epoll C ref ~13' }] },
  ];
  const s: string[] = [];
  s.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  s.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  s.push(`<text x="${W / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${esc(o.title)}</text>`);
  s.push(`<text x="${W / 2}" y="44" text-anchor="middle" fill="#555">${esc(o.subtitle)}</text>`);
  panels.forEach((p, pi) => {
    const x0 = LEFT[pi];
    const y0 = TOP;
    const X = (v: number) => x0 + scale(xAxis, v, PANEL_W);
    const Y = (v: number) => y0 + PANEL_H - scale(p.axis, v, PANEL_H);
    s.push(`<text x="${x0 + PANEL_W / 2}" y="${y0 - 8}" text-anchor="middle" font-weight="bold">${esc(p.title)}</text>`);
    const yt = p.axis.log ? logTicks(p.axis.min, p.axis.max) : linTicks(p.axis.min, p.axis.max);
    for (const v of yt) {
      s.push(`<line x1="${x0}" x2="${x0 + PANEL_W}" y1="${Y(v).toFixed(1)}" y2="${Y(v).toFixed(1)}" stroke="#eee"/>`);
      s.push(`<text x="${x0 - 6}" y="${(Y(v) + 4).toFixed(1)}" text-anchor="end" fill="#444">${fmt(v)}</text>`);
    }
    for (const v of logTicks(xAxis.min, xAxis.max).concat([...new Set(clients)])) {
      s.push(`<line x1="${X(v).toFixed(1)}" x2="${X(v).toFixed(1)}" y1="${y0}" y2="${y0 + PANEL_H}" stroke="#f3f3f3"/>`);
    }
    for (const v of [...new Set(clients)].sort((a, b) => a - b)) {
      s.push(`<text x="${X(v).toFixed(1)}" y="${y0 + PANEL_H + 16}" text-anchor="middle" fill="#444">${v}</text>`);
    }
    s.push(`<rect x="${x0}" y="${y0}" width="${PANEL_W}" height="${PANEL_H}" fill="none" stroke="#999"/>`);
    s.push(`<text x="${x0 + PANEL_W / 2}" y="${y0 + PANEL_H + 34}" text-anchor="middle" fill="#444">clients (log scale)</text>`);
    for (const ref of p.refs) {
      if (ref.v < p.axis.min || ref.v > p.axis.max) continue;
      const y = Y(ref.v).toFixed(1);
      const target = ref.label.startsWith('target');
      s.push(`<line x1="${x0}" x2="${x0 + PANEL_W}" y1="${y}" y2="${y}" stroke="${target ? '#c00' : '#888'}" stroke-dasharray="${target ? '6 4' : '2 3'}"/>`);
      // Labels sit at the left edge, where the lines of the data are far away
      // (few clients: high fps, high µs/frame); the fps target goes under its line.
      const ly = p.axis.log ? Number(y) - 4 : Number(y) + 13;
      s.push(`<text x="${x0 + 6}" y="${ly}" text-anchor="start" fill="${target ? '#c00' : '#666'}" font-size="11">${esc(ref.label)}</text>`);
    }
    configs.forEach((c, ci) => {
      const color = COLORS[ci % COLORS.length];
      const pts = fan.filter((r) => r.config === c && Number.isFinite(p.value(r)) && p.value(r) > 0).sort((a, b) => a.clients - b.clients);
      if (!pts.length) return;
      s.push(`<polyline fill="none" stroke="${color}" stroke-width="2.2" points="${pts.map((r) => `${X(r.clients).toFixed(1)},${Y(p.value(r)).toFixed(1)}`).join(' ')}"/>`);
      for (const r of pts) {
        const x = X(r.clients).toFixed(1);
        if (p.low) s.push(`<line x1="${x}" x2="${x}" y1="${Y(p.value(r)).toFixed(1)}" y2="${Y(p.low(r)).toFixed(1)}" stroke="${color}" stroke-width="1.2"/>`);
        s.push(`<circle cx="${x}" cy="${Y(p.value(r)).toFixed(1)}" r="3.5" fill="${color}"><title>${esc(`${c}, ${r.clients} clients: ${p.value(r).toFixed(1)}`)}</title></circle>`);
      }
    });
  });
  // Legend.
  let ly = TOP + PANEL_H + 60;
  let lx = LEFT[0];
  configs.forEach((c, ci) => {
    const width = 40 + c.length * 6.6;
    if (lx + width > W - 20) {
      lx = LEFT[0];
      ly += 22;
    }
    const color = COLORS[ci % COLORS.length];
    s.push(`<line x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="3"/>`);
    s.push(`<text x="${lx + 28}" y="${ly + 4}">${esc(c)}</text>`);
    lx += width;
  });
  s.push('</svg>');
  return s.join('\n');
}
