// The WebRTC bench's report: targets table, one table per scenario, and a
// small SVG (server CPU per peer against peers, target line drawn in).

import type { FirstFrameResult, LatencyResult } from './browser-scenarios.js';
import type { CpuScenario } from './cpu-scenario.js';
import type { QualityResult, QualityRow } from './quality.js';

export interface WebRtcBenchResult {
  started: string;
  duration_s: number;
  command: string;
  machine: string;
  loadavg_at_start: number;
  loadavg_at_end: number;
  /** Encoder settings of the CPU, first-frame and latency scenarios. */
  encoder: string;
  cpu?: CpuScenario;
  quality?: QualityResult;
  first_frame?: FirstFrameResult;
  latency?: LatencyResult[];
}

const yes = (b: boolean) => (b ? 'yes' : '**no**');

/** The H.264 row compared with MJPEG q85: the configured bitrate, and the cheapest within 0.01 SSIM. */
export function qualityVerdict(q: QualityResult, configuredKbps: number) {
  const jpeg = q.rows.find((r) => r.codec === 'mjpeg' && r.setting === 85);
  const h264 = q.rows.filter((r) => r.codec === 'h264').sort((a, b) => a.bytes_per_s - b.bytes_per_s);
  if (!jpeg || h264.length === 0) return null;
  const configured = h264.find((r) => r.setting === configuredKbps) ?? null;
  const equal = h264.find((r) => r.ssim_y >= jpeg.ssim_y - 0.01) ?? null;
  return { jpeg, configured, equal };
}

const ratio = (a: QualityRow, b: QualityRow) => `1/${(a.bytes_per_s / b.bytes_per_s).toFixed(1)}`;

/** One markdown table row. */
const row = (...cells: (string | number | null)[]) => `| ${cells.map((c) => (c === null ? '–' : String(c))).join(' | ')} |`;

/** A target row, the shape bench/report.ts lists its own in. */
export interface WebRtcTarget {
  target: string;
  measured: string;
  met: boolean;
  note: string;
}

/** The issue's targets against what this run measured. */
export function webrtcTargets(r: WebRtcBenchResult, configuredKbps: number): WebRtcTarget[] {
  const t: WebRtcTarget[] = [];
  const target = (name: string, measured: string, met: boolean): WebRtcTarget => ({ target: name, measured, met, note: 'WebRTC' });
  const top = r.cpu?.steps.at(-1);
  if (top) {
    const ok = (top.per_peer_cpu_pct ?? Infinity) <= 1 && top.fps_min >= 29 && top.peers >= 50;
    t.push(target(`${top.peers} peers at 30 fps from one encode, server CPU (encoder excluded) ≤ 1 % of a core per peer`,
      `${top.per_peer_cpu_pct} % per added peer (server ${top.server_cpu_pct} % at ${top.peers} − ${r.cpu!.baseline?.server_cpu_pct} % at 1 peer); ` +
      `viewers min ${top.fps_min} fps`, ok));
  }
  const v = r.quality ? qualityVerdict(r.quality, configuredKbps) : null;
  if (v) {
    const c = v.configured;
    const e = v.equal;
    const parts = [`MJPEG q85 ${kb(v.jpeg.bytes_per_s)}/s, SSIM ${v.jpeg.ssim_y}`];
    if (c) parts.push(`H.264 ${c.setting} kbit/s (default) ${kb(c.bytes_per_s)}/s = ${ratio(v.jpeg, c)}, SSIM ${c.ssim_y}`);
    parts.push(e ? `cheapest within 0.01: ${e.setting} kbit/s, ${kb(e.bytes_per_s)}/s = ${ratio(v.jpeg, e)}, SSIM ${e.ssim_y}`
      : 'no tested bitrate within 0.01');
    t.push(target('WebRTC bytes per viewer ≤ 1/8 of MJPEG q85 at SSIM within 0.01', parts.join('; '),
      !!e && e.bytes_per_s * 8 <= v.jpeg.bytes_per_s));
  }
  if (r.first_frame) {
    const f = r.first_frame;
    t.push(target('first frame ≤ 300 ms for a joining peer',
      `Chromium p50 ${f.chromium.p50} ms, max ${f.chromium.max} ms (${f.chromium.n} joins); node-datachannel p50 ${f.datachannel.p50} ms`,
      f.chromium.p50 <= 300));
  }
  const rtc = r.latency?.find((l) => l.transport === 'webrtc');
  if (rtc) {
    const others = (r.latency ?? []).filter((l) => l !== rtc).map((l) => `${l.transport} p50 ${l.display.p50} ms`).join(', ');
    t.push(target('capture→display p50 ≤ 100 ms (WebRTC, headless Chromium)',
      `p50 ${rtc.display.p50} ms, p99 ${rtc.display.p99} ms (${rtc.display.n} frames)${others ? `; ${others}` : ''}`, rtc.display.p50 <= 100));
  }
  return t;
}

export function renderMarkdown(r: WebRtcBenchResult, configuredKbps: number): string {
  const out: string[] = [];
  out.push(`# WebRTC bench ${r.started}`, '');
  out.push(`\`${r.command}\` on ${r.machine}; load average ${r.loadavg_at_start} at start, ${r.loadavg_at_end} at end; ` +
    `${r.duration_s} s.`);
  out.push(`Encoder: ${r.encoder}.`, '');
  out.push('| Target | Measured | Met |', '|---|---|---|');
  for (const x of webrtcTargets(r, configuredKbps)) out.push(row(x.target, x.measured, yes(!!x.met)));
  out.push('');
  if (r.cpu) {
    const idle = r.cpu.idle;
    const b = r.cpu.baseline;
    out.push(`## (b) Server CPU per WebRTC peer (window ${r.cpu.window_s} s)`, '');
    out.push(`Idle, 0 peers (camera at 1 fps, encoder not fed): server ${idle.server_cpu_pct} %, RSS ${idle.server_rss_mb} MB. ` +
      (b ? `1 peer (camera at 30 fps, encoder fed, one peer): server ${b.server_cpu_pct} %, ffmpeg ${b.ffmpeg_cpu_pct} %.` : ''), '');
    out.push(row('peers', 'server CPU %', 'per peer %', 'ffmpeg %', 'load clients %', 'fps min/median', 'lost pkts',
      'wire B/s per viewer', 'payload B/s per viewer', 'RSS MB', 'encoder fps / kbit/s'));
    out.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const s of r.cpu.steps) {
      out.push(row(s.peers, s.server_cpu_pct, s.per_peer_cpu_pct, s.ffmpeg_cpu_pct, s.clients_cpu_pct, `${s.fps_min}/${s.fps_median}`,
        s.lost_packets, s.wire_bytes_per_peer_s, s.payload_bytes_per_peer_s, s.server_rss_mb, `${s.encoder_fps} / ${s.encoder_kbps}`));
    }
    out.push('', 'CPU % is of one core, from /proc utime+stime over the window. "per peer" = (server − baseline) / peers. ' +
      'ffmpeg is its own process.', '');
  }
  if (r.quality) {
    const q = r.quality;
    out.push(`## (a) Bytes per viewer per second at equal picture quality (${q.frames} frames ${q.width}x${q.height}, ` +
      `synthetic camera, ${q.fps} fps)`, '');
    out.push(row('codec', 'setting', 'bytes/s per viewer', 'kbit/s', 'SSIM Y', 'SSIM all', 'bytes vs MJPEG q85'));
    out.push('|---|---:|---:|---:|---:|---:|---:|');
    const jpeg = q.rows.find((x) => x.codec === 'mjpeg' && x.setting === 85);
    for (const x of q.rows) {
      const h264 = x.codec === 'h264';
      out.push(row(h264 ? 'H.264 (WebRTC)' : 'JPEG (MJPEG, WS)', h264 ? `${x.setting} kbit/s` : `q${x.setting}`, x.bytes_per_s,
        Math.round((x.bytes_per_s * 8) / 1000), x.ssim_y.toFixed(4), x.ssim_all.toFixed(4),
        jpeg ? (x.bytes_per_s / jpeg.bytes_per_s).toFixed(3) : null));
    }
    out.push('', 'Each stream decoded again (ffmpeg for H.264, sharp for JPEG) and compared with the raw frames by ffmpeg\'s ' +
      'ssim filter in 4:2:0. Payload only: RTP/SRTP add ~2-4 % (see the wire column of (b)); MJPEG multipart and WS framing ' +
      'add ~100 bytes per frame.', '');
  }
  if (r.first_frame) {
    const f = r.first_frame;
    out.push('## (c) First frame for a joining peer', '');
    out.push(row('viewer', 'joins', 'p50 ms', 'p90 ms', 'max ms'), '|---|---:|---:|---:|---:|');
    out.push(row('headless Chromium, signaling (connect() → first presented picture)', f.chromium.n, f.chromium.p50, f.chromium.p90,
      f.chromium.max));
    out.push(row('node-datachannel, WHEP (offer → first complete keyframe)', f.datachannel.n, f.datachannel.p50, f.datachannel.p90,
      f.datachannel.max));
    out.push('', 'Joins at a random phase of the 1 s GOP; the cached GOP is replayed on connect.', '');
  }
  if (r.latency?.length) {
    out.push('## (d) Capture → display in headless Chromium', '');
    out.push(row('transport', 'frames', 'display p50', 'p90', 'p99', 'receive p50', 'receive p99', 'unreadable'));
    out.push('|---|---:|---:|---:|---:|---:|---:|---:|');
    const names = { mjpeg: 'MJPEG (/video_feed, <img>)', ws: 'WebSocket (/ws/video_feed, ImageBitmap)', webrtc: 'WebRTC (signaling, <video>)' };
    for (const l of r.latency) {
      out.push(row(names[l.transport], l.display.n, l.display.p50, l.display.p90, l.display.p99, l.receive.p50, l.receive.p99, l.unreadable));
    }
    out.push('', 'The real server\'s synthetic camera draws each frame\'s capture time (ms) into the picture (source.frame_code); the ' +
      'page reads it back from what it shows and subtracts it from its own clock (one machine, one clock). WebRTC: ' +
      'requestVideoFrameCallback presentationTime; MJPEG and WS: the animation frame that first drew the picture (up to ' +
      '~16 ms later than the decode). Receive: WebRTC last packet, WS message arrival.', '');
  }
  return out.join('\n');
}

function kb(bytes: number): string {
  return `${Math.round(bytes / 1000)} KB`;
}

/** Server CPU per peer (bars) against peers, with the 1 % target. */
export function renderSvg(r: WebRtcBenchResult): string {
  const steps = (r.cpu?.steps ?? []).filter((s) => s.per_peer_cpu_pct !== null);
  const W = 520;
  const H = 300;
  const left = 60;
  const top = 40;
  const pw = 420;
  const ph = 200;
  const max = Math.max(1.5, ...steps.map((s) => s.per_peer_cpu_pct ?? 0)) * 1.15;
  const y = (v: number) => top + ph - (v / max) * ph;
  const bw = pw / Math.max(1, steps.length) * 0.6;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${left}" y="20" font-size="14">Server CPU per added WebRTC peer (% of one core, encoder excluded)</text>`,
    `<line x1="${left}" y1="${top + ph}" x2="${left + pw}" y2="${top + ph}" stroke="black"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + ph}" stroke="black"/>`,
    `<line x1="${left}" y1="${y(1)}" x2="${left + pw}" y2="${y(1)}" stroke="#d62728" stroke-dasharray="6 4"/>`,
    `<text x="${left + pw - 70}" y="${y(1) - 4}" fill="#d62728">target 1 %</text>`,
  ];
  for (let v = 0; v <= max; v += max > 3 ? 1 : 0.5) {
    parts.push(`<text x="${left - 8}" y="${y(v) + 4}" text-anchor="end">${v}</text>`);
  }
  steps.forEach((s, i) => {
    const x = left + (pw / steps.length) * (i + 0.2);
    const v = Math.max(0, s.per_peer_cpu_pct ?? 0);
    parts.push(`<rect x="${x}" y="${y(v)}" width="${bw}" height="${top + ph - y(v)}" fill="#1f77b4"/>`);
    parts.push(`<text x="${x + bw / 2}" y="${y(v) - 4}" text-anchor="middle">${v}</text>`);
    const label = `${s.peers} peer${s.peers === 1 ? '' : 's'} (${s.fps_min} fps min)`;
    parts.push(`<text x="${x + bw / 2}" y="${top + ph + 16}" text-anchor="middle">${label}</text>`);
  });
  parts.push(`<text x="${left}" y="${H - 10}" fill="#555">${r.started}, load average ${r.loadavg_at_start} at start</text>`, '</svg>');
  return parts.join('\n');
}
