// Restream targets (RTP to Janus or another media server): state, rate,
// errors and the link where remote viewers watch; admins start and stop
// them. Hidden when the config names no target.

import { api, errorText } from '../api.js';
import type { MountPanel } from '../context.js';
import { roleAllows, whyNot } from '../context.js';
import { onTelemetry } from './feed.js';

interface TargetSummary {
  label: string;
  state: 'stopped' | 'waiting_keyframe' | 'sending' | 'failing';
  host: string;
  video_port: number;
  viewer_url: string | null;
  bytes: number;
  errors: number;
  last_error: string | null;
  dropped_access_units: number;
}

const esc = (v: unknown) => String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const STATE_CLASS: Record<TargetSummary['state'], string> = { sending: 'ok', waiting_keyframe: 'warn', failing: 'bad', stopped: '' };

export const mountRestream: MountPanel = (el, ctx) => {
  el.innerHTML = `<h2>restream</h2>
    <p class="hint">RTP to media servers that serve remote viewers (restream.targets in the config file).</p>
    <table class="restream"><thead><tr><th>target</th><th>state</th><th>kbit/s</th><th>errors</th><th>watch</th><th></th></tr></thead><tbody></tbody></table>
    <div id="restream-msg" class="msg"></div>`;
  el.classList.add('hidden');
  const body = el.querySelector('tbody')!;
  const msg = el.querySelector<HTMLDivElement>('#restream-msg')!;
  // Previous byte counts, to show a rate; one entry per configured target (the config bounds them to 8).
  const last = new Map<string, { bytes: number; at: number; kbps: number }>();
  let admin = false;
  let lastTargets: TargetSummary[] = [];

  const render = (targets: TargetSummary[]) => {
    lastTargets = targets;
    el.classList.toggle('hidden', targets.length === 0);
    body.innerHTML = targets.map((x) => {
      const k = last.get(x.label)?.kbps;
      const link = x.viewer_url ? `<a href="${esc(x.viewer_url)}" target="_blank" rel="noopener noreferrer">open</a>` : '—';
      const action = x.state === 'stopped' ? 'start' : 'stop';
      const button = admin ? `<button type="button" data-label="${esc(x.label)}" data-action="${action}">${action}</button>` : '';
      return `<tr data-label="${esc(x.label)}" data-state="${x.state}"><td title="${esc(`${x.host}:${x.video_port}`)}">${esc(x.label)}</td>
        <td><span class="pill ${STATE_CLASS[x.state]}">${esc(x.state.replace('_', ' '))}</span></td>
        <td>${k === undefined ? '—' : k.toFixed(0)}</td>
        <td title="${esc(x.last_error ?? '')}">${x.errors}${x.last_error ? ` (${esc(x.last_error)})` : ''}</td>
        <td>${link}</td><td>${button}</td></tr>`;
    }).join('');
  };

  onTelemetry(ctx, (m) => {
    const targets = (m.status?.restream ?? []) as TargetSummary[];
    const now = performance.now();
    for (const x of targets) {
      const prev = last.get(x.label);
      const kbps = prev && now > prev.at ? ((x.bytes - prev.bytes) * 8) / (now - prev.at) : undefined;
      last.set(x.label, { bytes: x.bytes, at: now, kbps: kbps !== undefined && kbps >= 0 ? kbps : prev?.kbps ?? 0 });
    }
    render(targets);
  });

  ctx.onWho((w) => {
    admin = roleAllows(w, 'admin');
    el.title = admin ? '' : `Starting and stopping targets ${whyNot(w, 'admin')}`;
    render(lastTargets);
  });

  body.addEventListener('click', async (ev) => {
    const b = (ev.target as HTMLElement).closest<HTMLButtonElement>('button[data-label]');
    if (!b) return;
    b.disabled = true;
    const r = await api('POST', `/api/restream/${encodeURIComponent(b.dataset.label!)}/${b.dataset.action}`);
    msg.textContent = r.ok ? `${b.dataset.label}: ${r.body.target.state.replace('_', ' ')}` : errorText(r);
    msg.className = `msg ${r.ok ? 'good' : 'bad'}`;
    if (r.ok) {
      lastTargets = lastTargets.map((x) => (x.label === b.dataset.label ? { ...x, state: r.body.target.state } : x));
      render(lastTargets);
    }
  });
};
