// The video panel: the picture over the best transport that works (WebRTC,
// then WebSocket, then MJPEG, or the one the operator picks), the overlay in
// step with the shown frame, full screen, and the measured fps, latency and
// transport (also as data-* attributes on the section, for tests and tools).
// Operators drag a box to track or, in smart mode, click a target.

import type { AppContext, MountPanel } from '../context.js';
import { roleAllows, whyNot } from '../context.js';
import { latestTelemetry, onTelemetry } from '../panels/feed.js';
import { smartClick, startTracking } from '../panels/commands.js';
import { containRect, type Rect } from './geometry.js';
import { MjpegTransport } from './mjpeg-transport.js';
import { Overlay, type OverlayScene } from './overlay.js';
import { attachPointer } from './pointer.js';
import type { FrameInfo, Transport, TransportHooks } from './transport.js';
import { publishVideoStats, type TransportKind } from './video-stats.js';
import { WebRtcTransport } from './webrtc-transport.js';
import { WsTransport } from './ws-transport.js';

type Choice = 'auto' | TransportKind;
const ORDER: TransportKind[] = ['webrtc', 'ws', 'mjpeg'];
const RETRY_MS = 2000;
/** Frame times kept for the fps readout: one second at up to 120 fps. */
const FPS_WINDOW = 120;

const MAKERS: Record<TransportKind, (h: TransportHooks) => Transport> = {
  webrtc: (h) => new WebRtcTransport(h),
  ws: (h) => new WsTransport(h),
  mjpeg: (h) => new MjpegTransport(h),
};

export const mountVideo: MountPanel = (el, ctx) => {
  el.innerHTML = `<div class="vbar"><h2>video</h2>
    <select id="transport" title="video transport" aria-label="video transport">
      <option value="auto">auto</option><option value="webrtc">WebRTC</option><option value="ws">WebSocket</option><option value="mjpeg">MJPEG</option>
    </select>
    <span id="vstat" class="pill">—</span>
    <button id="fullscreen" type="button" title="full screen (F)">full screen</button></div>
    <div id="stage" class="stage"></div>
    <div id="video-msg" class="msg"></div>`;
  const stage = el.querySelector<HTMLDivElement>('#stage')!;
  const picker = el.querySelector<HTMLSelectElement>('#transport')!;
  const vstat = el.querySelector<HTMLSpanElement>('#vstat')!;
  const msg = el.querySelector<HTMLDivElement>('#video-msg')!;
  const overlay = new Overlay();
  stage.append(overlay.el);

  let transport: Transport | null = null;
  let frames = 0;
  // Ring of frame times (ms) for the fps readout; fixed size, no per-frame allocation.
  const times = new Float64Array(FPS_WINDOW);
  let lastFrame: FrameInfo = { frameId: null, timestamp: null };
  let drag: Rect | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let fallbackNote = '';

  const frameSize = () => {
    const s = transport?.size() ?? { w: 0, h: 0 };
    if (s.w > 0) return s;
    const st = latestTelemetry(ctx)?.status?.streaming;
    return { w: Number(st?.width ?? 0), h: Number(st?.height ?? 0) };
  };
  const pictureRect = (): Rect => {
    const r = stage.getBoundingClientRect();
    const s = frameSize();
    return containRect({ x: r.left, y: r.top, w: r.width, h: r.height }, s.w, s.h);
  };

  const scene = (): OverlayScene => {
    const t = latestTelemetry(ctx);
    const td = t?.tracker?.tracker_data ?? {};
    const following = !!t?.status?.following_active;
    const targets = Array.isArray(td.targets)
      ? td.targets.map((x: any) => ({ bbox: x.bbox, selected: !!x.is_selected,
        label: `${x.class_name ?? 'object'} #${x.target_id}${x.is_selected ? ' selected' : ''} ${Math.round((x.confidence ?? 0) * 100)}%` }))
      : [];
    // The frame's own box when the transport has it (WS meta, WebRTC channel), else the newest telemetry's.
    const box = lastFrame.box !== undefined ? lastFrame.box : Array.isArray(td.bbox) ? td.bbox : null;
    const state = lastFrame.targetState ?? td.target_state ?? null;
    const conf = typeof td.confidence === 'number' ? ` ${Math.round(td.confidence * 100)}%` : '';
    const label = box ? `${td.tracker_id ?? 'target'} ${state ?? ''}${conf}${following ? ' · following' : ''}` : null;
    return { box, state, following, label, targets, drag };
  };

  let pendingDraw = false;
  const redraw = () => {
    if (pendingDraw) return;
    pendingDraw = true;
    requestAnimationFrame(() => {
      pendingDraw = false;
      const r = stage.getBoundingClientRect();
      const pic = pictureRect();
      const s = frameSize();
      overlay.draw(scene(), { x: pic.x - r.left, y: pic.y - r.top, w: pic.w, h: pic.h }, s.w, s.h);
    });
  };

  const onFrame = (info: FrameInfo) => {
    const now = performance.now();
    times[frames % FPS_WINDOW] = now;
    frames += 1;
    lastFrame = info;
    el.dataset.frames = String(frames);
    if (info.frameId !== null) el.dataset.frameId = String(info.frameId);
    redraw();
  };

  const fps = () => {
    const now = performance.now();
    let n = 0;
    for (let i = 0; i < Math.min(frames, FPS_WINDOW); i += 1) if (now - times[i] <= 1000) n += 1;
    return n;
  };

  setInterval(() => {
    const kind = transport?.kind ?? null;
    const f = fps();
    const lat = transport?.latencyMs() ?? null;
    el.dataset.fps = String(f);
    el.dataset.latencyMs = lat === null ? '' : String(Math.round(lat));
    const latText = lat === null ? 'latency n/a' : `${kind === 'webrtc' ? '~' : ''}${Math.round(lat)} ms`;
    vstat.textContent = kind ? `${kind} · ${f} fps · ${latText}` : 'no video';
    vstat.className = `pill ${kind && f > 0 ? 'ok' : 'warn'}`;
    publishVideoStats({ transport: kind, frames, fps: f, latencyMs: lat });
  }, 500);

  const open = (kind: TransportKind) => {
    transport?.close();
    el.dataset.transport = kind;
    lastFrame = { frameId: null, timestamp: null };
    const t = MAKERS[kind]({
      onFrame,
      onFail: (reason) => {
        if (transport !== t) return;
        transport = null;
        const choice = picker.value as Choice;
        if (choice === 'auto' && kind !== 'mjpeg') {
          const next = ORDER[ORDER.indexOf(kind) + 1];
          fallbackNote = `${kind} unavailable (${reason}); using ${next}`;
          msg.textContent = fallbackNote;
          open(next);
          return;
        }
        // A chosen transport (or the last of the chain) retries itself: the server may be restarting.
        msg.textContent = `${kind}: ${reason}; retrying…`;
        retry = setTimeout(() => { retry = null; start(); }, RETRY_MS);
      },
    });
    transport = t;
    t.el.classList.add('media');
    stage.prepend(t.el);
    // Remove the previous transport's element (the new one is first).
    for (const c of Array.from(stage.children)) if (c !== t.el && c !== overlay.el) c.remove();
  };

  const start = () => {
    if (retry) clearTimeout(retry);
    retry = null;
    msg.textContent = '';
    const choice = picker.value as Choice;
    open(choice === 'auto' ? 'webrtc' : choice);
  };

  picker.addEventListener('change', start);
  el.querySelector('#fullscreen')!.addEventListener('click', () => toggleFullscreen(stage));
  window.addEventListener('resize', redraw);
  onTelemetry(ctx, redraw);

  attachPointer(overlay.el, {
    picture: pictureRect,
    onDrag: (r) => {
      drag = r && roleAllows(ctx.who(), 'operator') ? r : null;
      redraw();
    },
    onBox: (b) => {
      if (!operator(ctx, msg)) return;
      void startTracking(b);
    },
    onClick: (p) => {
      if (!latestTelemetry(ctx)?.status?.smart_mode_active) return;
      if (!operator(ctx, msg)) return;
      void smartClick(p.x, p.y, lastFrame.frameId);
    },
  });

  // (Re)connect when access changes: a login gives the stream routes the session cookie.
  let lastRole: string | undefined;
  ctx.onWho((w) => {
    overlay.el.classList.toggle('operable', roleAllows(w, 'operator'));
    const key = w ? `${w.role}` : undefined;
    if (!w) msg.textContent = 'log in to watch';
    if (!w || key === lastRole) return;
    lastRole = key;
    start();
  });
};

function operator(ctx: AppContext, msg: HTMLElement): boolean {
  const why = whyNot(ctx.who(), 'operator');
  if (why) msg.textContent = `drawing a box or clicking a target ${why}`;
  return !why;
}

export function toggleFullscreen(stage: HTMLElement): void {
  if (document.fullscreenElement) void document.exitFullscreen();
  else void stage.requestFullscreen?.().catch(() => undefined);
}
