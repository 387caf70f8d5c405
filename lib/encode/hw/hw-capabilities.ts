// Which H.264 and JPEG encoders are usable on this machine, found at start:
// ffmpeg's encoder list, V4L2 M2M encoder nodes (Raspberry Pi), VAAPI render
// nodes (Intel/AMD), the Jetson's release file and GStreamer elements; each
// hardware candidate whose prerequisites are met is confirmed by a short
// trial encode. Software (libx264, sharp) comes last, so the first usable
// candidate is the choice and a fallback to software is visible; it is not
// tried (listed by ffmpeg is enough when no hardware stands behind it). The
// whole run has a time budget: what it leaves untried is said so.

import { readdirSync } from 'node:fs';
import path from 'node:path';
import { listFfmpegEncoders } from './ffmpeg-encoders.js';
import type { EncoderCandidate, HwReport } from './hw-report.js';
import { listM2mDevices, type M2mDevice } from './m2m-devices.js';
import { detectPlatform } from './platform.js';
import { ffmpegTrialArgs, gstTrialArgs, trialRun, type TrialResult } from './trial-run.js';

export interface DetectOptions {
  /** Filesystem root for sysfs, /dev, /etc and /proc reads (tests use a prepared tree). Default '/'. */
  root?: string;
  ffmpegPath?: string;
  gstLaunchPath?: string;
  gstInspectPath?: string;
  /** Run trial encodes (default true). Without them a candidate whose prerequisites are met is reported usable but "not tried". */
  trial?: boolean;
  /** Limit for each probe and trial encode. Default 10 s. */
  timeoutMs?: number;
  /** Limit for the whole detection (probes and trials, one after another). Default 20 s. */
  budgetMs?: number;
  /** false: no H.264 candidates and no ffmpeg run (nothing encodes H.264); JPEG only. Default true. */
  h264?: boolean;
  /** Default process.arch. */
  arch?: string;
}

/** What one candidate needs before a trial, and how to try it. */
interface Plan {
  name: string;
  via: 'ffmpeg' | 'gstreamer';
  hardware: boolean;
  /** Why it cannot work here, or null when it may. */
  missing: string | null;
  device?: string;
  /** [command, args] of the trial encode; null: software, listed is enough. */
  trial: [string, string[]] | null;
}

function renderNodes(root: string): string[] {
  try {
    return readdirSync(path.join(root, 'dev/dri')).filter((n) => /^renderD\d+$/.test(n)).sort().map((n) => `/dev/dri/${n}`);
  } catch {
    return [];
  }
}

function describe(d: M2mDevice): string {
  return `${d.device} (${d.name || 'unnamed'}, found by ${d.by})`;
}

/** Per-probe limit within the run's budget: what is left of it, at most `timeoutMs`; 0 when spent. */
type Remaining = () => number;

async function evaluate(p: Plan, trial: boolean, remaining: Remaining, budgetMs: number): Promise<EncoderCandidate> {
  const base = { name: p.name, via: p.via, hardware: p.hardware, ...(p.device ? { device: p.device } : {}) };
  if (p.missing) return { ...base, usable: false, reason: p.missing };
  const where = p.device ? ` on ${p.device}` : '';
  if (!p.trial) return { ...base, usable: true, reason: 'software, listed by this ffmpeg (no hardware to try)' };
  if (!trial) return { ...base, usable: true, reason: `prerequisites met${where}; not tried (trial encodes disabled)` };
  const left = remaining();
  if (left <= 0) return { ...base, usable: false, reason: `not tried${where}: the detection's ${budgetMs} ms budget was spent` };
  const r: TrialResult = await trialRun(p.trial[0], p.trial[1], left);
  return r.ok
    ? { ...base, usable: true, reason: `trial encode passed${where} in ${Math.round(r.ms)} ms` }
    : { ...base, usable: false, reason: `trial encode failed${where}: ${r.error}` };
}

/** Whether `element` exists for GStreamer (gst-inspect-1.0 exits 0); null when gst-inspect itself is missing. */
async function gstHas(inspect: string, element: string, timeoutMs: number): Promise<boolean | null> {
  const r = await trialRun(inspect, [element], timeoutMs);
  if (r.ok) return true;
  return r.error === `${inspect} not found` ? null : false;
}

export async function detectHwCapabilities(o: DetectOptions = {}): Promise<HwReport> {
  const t0 = performance.now();
  const root = o.root ?? '/';
  const ffmpeg = o.ffmpegPath ?? 'ffmpeg';
  const gstLaunch = o.gstLaunchPath ?? 'gst-launch-1.0';
  const gstInspect = o.gstInspectPath ?? 'gst-inspect-1.0';
  const budgetMs = o.budgetMs ?? 20_000;
  const withH264 = o.h264 ?? true;
  const remaining: Remaining = () => Math.max(0, Math.floor(Math.min(o.timeoutMs ?? 10_000, budgetMs - (performance.now() - t0))));
  // execFile's timeout 0 means none: a spent budget still gives each probe 1 ms (it then says it had no result).
  const probeMs = () => Math.max(1, remaining());
  const trial = o.trial ?? true;
  const platform = detectPlatform(root, o.arch);

  let encoders = new Set<string>();
  let ffmpegProblem: string | null = withH264 ? null : 'ffmpeg not asked (no H.264 encode: WebRTC off, no restream target)';
  if (withH264) {
    try {
      encoders = await listFfmpegEncoders(ffmpeg, probeMs());
    } catch (err) {
      ffmpegProblem = (err as Error).message;
    }
  }
  const notListed = (name: string) => ffmpegProblem ?? (encoders.has(name) ? null : `not in this ffmpeg build (ffmpeg -encoders does not list ${name})`);
  const m2m = await listM2mDevices(root, root === '/', probeMs());
  const h264Node = m2m.find((d) => d.role === 'h264-encoder');
  const jpegNode = m2m.find((d) => d.role === 'jpeg-encoder');
  const render = renderNodes(root);
  const jetson = platform.board === 'jetson';
  const pi = platform.board === 'raspberry-pi';
  const gstMissing = (has: boolean | null, element: string) =>
    has === null ? `${gstInspect} not found (GStreamer is needed for ${element})` : has ? null : `GStreamer has no ${element} element`;

  const h264: Plan[] = [];
  const jpeg: Plan[] = [];
  if (withH264 && (jetson || encoders.has('h264_nvmpi'))) {
    const has = await gstHas(gstInspect, 'nvv4l2h264enc', probeMs());
    h264.push({
      name: 'nvv4l2h264enc', via: 'gstreamer', hardware: true, missing: gstMissing(has, 'nvv4l2h264enc'),
      trial: [gstLaunch, gstTrialArgs(['nvvidconv', 'video/x-raw(memory:NVMM),format=NV12', 'nvv4l2h264enc'])],
    });
    h264.push({ name: 'h264_nvmpi', via: 'ffmpeg', hardware: true, missing: notListed('h264_nvmpi'), trial: [ffmpeg, ffmpegTrialArgs('h264_nvmpi')] });
  }
  const m2mMissing = h264Node ? null
    : `no V4L2 M2M H.264 encoder device${m2m.length ? ` among ${m2m.map(describe).join(', ')}` : ' (no video4linux nodes)'}` +
      (pi && platform.piGeneration >= 5 ? '; the Raspberry Pi 5 has no H.264 encoder' : '');
  if (withH264) h264.push({
    name: 'h264_v4l2m2m', via: 'ffmpeg', hardware: true, missing: notListed('h264_v4l2m2m') ?? m2mMissing, device: h264Node?.device,
    trial: [ffmpeg, ffmpegTrialArgs('h264_v4l2m2m')],
  });
  if (withH264) h264.push({
    name: 'h264_vaapi', via: 'ffmpeg', hardware: true, missing: notListed('h264_vaapi') ?? (render.length ? null : 'no VAAPI render node (/dev/dri/renderD*)'),
    device: render[0], trial: [ffmpeg, ffmpegTrialArgs('h264_vaapi', { vaapiDevice: render[0] })],
  });
  if (withH264) h264.push({ name: 'libx264', via: 'ffmpeg', hardware: false, missing: notListed('libx264'), trial: null });

  // Always listed, so /status says why there is no V4L2 M2M JPEG encoder; GStreamer is asked only when a node exists.
  const jpegMissing = jpegNode ? null
    : `no V4L2 M2M JPEG encoder device${m2m.length ? ` among ${m2m.map(describe).join(', ')}` : ' (no video4linux nodes)'}` +
      (pi && platform.piGeneration >= 5 ? '; the Raspberry Pi 5 has none' : '');
  jpeg.push({
    name: 'v4l2jpegenc', via: 'gstreamer', hardware: true, device: jpegNode?.device,
    missing: jpegMissing ?? gstMissing(await gstHas(gstInspect, 'v4l2jpegenc', probeMs()), 'v4l2jpegenc'),
    trial: [gstLaunch, gstTrialArgs(['v4l2jpegenc'])],
  });
  if (jetson) {
    const has = await gstHas(gstInspect, 'nvjpegenc', probeMs());
    jpeg.push({
      name: 'nvjpegenc', via: 'gstreamer', hardware: true, missing: gstMissing(has, 'nvjpegenc'),
      trial: [gstLaunch, gstTrialArgs(['nvvidconv', 'video/x-raw(memory:NVMM),format=I420', 'nvjpegenc'])],
    });
  }
  if (encoders.has('mjpeg_vaapi')) {
    jpeg.push({
      name: 'mjpeg_vaapi', via: 'ffmpeg', hardware: true, missing: render.length ? null : 'no VAAPI render node (/dev/dri/renderD*)',
      device: render[0], trial: [ffmpeg, ffmpegTrialArgs('mjpeg_vaapi', { vaapiDevice: render[0] })],
    });
  }

  // One at a time: trials may share a device, and boards have 2-4 cores.
  const report: HwReport = { platform, h264: [], jpeg: [], tookMs: 0 };
  for (const p of h264) report.h264.push(await evaluate(p, trial, remaining, budgetMs));
  for (const p of jpeg) report.jpeg.push(await evaluate(p, trial, remaining, budgetMs));
  report.jpeg.push({ name: 'sharp', via: 'library', hardware: false, usable: true, reason: 'software (libjpeg-turbo through sharp), always present' });
  report.tookMs = Math.round(performance.now() - t0);
  return report;
}

/** The first usable candidate, and a warning when it is software although hardware was a candidate. */
export function chooseEncoder(list: readonly EncoderCandidate[]): { choice: EncoderCandidate | null; warning: string | null } {
  const choice = list.find((c) => c.usable) ?? null;
  const skipped = list.filter((c) => c.hardware && !c.usable);
  if (!choice) return { choice, warning: `no usable encoder: ${list.map((c) => `${c.name}: ${c.reason}`).join('; ')}` };
  if (!choice.hardware && skipped.length) {
    return { choice, warning: `using software ${choice.name}; hardware not usable: ${skipped.map((c) => `${c.name} (${c.reason})`).join('; ')}` };
  }
  return { choice, warning: null };
}
