// The operator's buttons and keyboard shortcuts (listed in the panel), and
// the outcome of the last command in words. Viewers see why the buttons are
// missing instead of the buttons.

import type { MountPanel } from '../context.js';
import { roleAllows, whyNot } from '../context.js';
import { onCommand, startOffboard, stopOffboard, stopTracking, toggleSmartMode } from './commands.js';
import { onTelemetry } from './feed.js';

interface Action { id: string; label: string; keys: string[]; run: () => unknown }

const ACTIONS: Action[] = [
  { id: 'cmd-stop-tracking', label: 'Stop tracking', keys: ['t', 'Escape'], run: stopTracking },
  { id: 'cmd-smart', label: 'Smart mode', keys: ['s'], run: toggleSmartMode },
  { id: 'cmd-offboard', label: 'Start offboard…', keys: ['o'], run: startOffboard },
  { id: 'cmd-stop-offboard', label: 'Stop offboard', keys: ['x'], run: stopOffboard },
];

const KEY_NAMES: Record<string, string> = { Escape: 'Esc' };

export const mountControls: MountPanel = (el, ctx) => {
  el.innerHTML = `<h2>controls</h2>
    <div id="controls-why" class="msg"></div>
    <div id="controls-body">
      <div class="buttons">${ACTIONS.map((a) => `<button type="button" id="${a.id}">${a.label}</button>`).join('')}</div>
      <p class="hint">Drag a box on the video to track it; in smart mode click a target.</p>
      <p class="hint">Keys: ${ACTIONS.map((a) => `<kbd>${a.keys.map((k) => KEY_NAMES[k] ?? k.toUpperCase()).join('</kbd>/<kbd>')}</kbd> ${a.label.replace('…', '').toLowerCase()}`).join(' · ')} · <kbd>F</kbd> full screen</p>
    </div>
    <div id="command-result" class="msg" aria-live="polite"></div>
    <div id="modes" class="kv"></div>`;
  const body = el.querySelector<HTMLDivElement>('#controls-body')!;
  const why = el.querySelector<HTMLDivElement>('#controls-why')!;
  const result = el.querySelector<HTMLDivElement>('#command-result')!;
  const modes = el.querySelector<HTMLDivElement>('#modes')!;
  for (const a of ACTIONS) el.querySelector(`#${a.id}`)!.addEventListener('click', () => void a.run());

  ctx.onWho((w) => {
    const allowed = roleAllows(w, 'operator');
    body.classList.toggle('hidden', !allowed);
    why.textContent = allowed ? '' : `Operator controls are hidden: ${whyNot(w, 'operator')}.`;
  });

  onCommand((o) => {
    result.textContent = `${o.command}: ${o.text}`;
    result.className = `msg ${o.ok ? 'good' : 'bad'}`;
    result.dataset.command = o.command;
    result.dataset.ok = String(o.ok);
  });

  onTelemetry(ctx, (m) => {
    const s = m.status;
    const smart = !!s.smart_mode_active;
    el.querySelector('#cmd-smart')!.textContent = smart ? 'Smart mode: on' : 'Smart mode: off';
    modes.innerHTML = `<span class="pill ${s.tracking_started ? 'ok' : ''}">tracking ${s.tracking_started ? 'on' : 'off'}</span>
      <span class="pill ${smart ? 'ok' : ''}">smart ${smart ? 'on' : 'off'}</span>
      <span class="pill ${s.following_active ? 'bad' : ''}">following ${s.following_active ? 'ACTIVE' : 'off'}</span>`;
    el.dataset.smart = String(smart);
  });

  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target as HTMLElement | null;
    if (t && /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) return;
    // Esc in an open dialog (About) closes the dialog; it must not also stop tracking.
    if (document.querySelector('dialog[open]')) return;
    if (e.key === 'f' || e.key === 'F') {
      const stage = document.getElementById('stage');
      if (stage) {
        if (document.fullscreenElement) void document.exitFullscreen();
        else void stage.requestFullscreen?.().catch(() => undefined);
      }
      return;
    }
    const a = ACTIONS.find((x) => x.keys.includes(e.key) || x.keys.includes(e.key.toLowerCase()));
    if (!a) return;
    if (!roleAllows(ctx.who(), 'operator')) {
      result.textContent = `${a.label}: ${whyNot(ctx.who(), 'operator')}`;
      result.className = 'msg bad';
      return;
    }
    e.preventDefault();
    void a.run();
  });
};
