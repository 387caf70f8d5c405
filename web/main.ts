// Boots the dashboard: who the caller is (login when needed), the telemetry
// stream, then each panel in its section of the page.

import { api, errorText } from './api.js';
import type { AppContext, MountPanel, Whoami } from './context.js';
import { TelemetryClient } from './telemetry-client.js';
import { mountVideo } from './video/video-panel.js';
import { mountControls } from './panels/controls-panel.js';
import { mountTelemetry } from './panels/telemetry-panel.js';
import { mountCharts } from './panels/charts-panel.js';
import { mountConfig } from './config/config-panel.js';
import { mountAbout } from './panels/about-panel.js';
import { mountRestream } from './panels/restream-panel.js';
import { startFallbackPoll } from './panels/feed.js';

const $ = (id: string) => document.getElementById(id)!;

function createContext(): AppContext {
  let who: Whoami | null = null;
  const listeners = new Set<(w: Whoami | null) => void>();
  const telemetry = new TelemetryClient(5);
  const ctx: AppContext = {
    telemetry,
    who: () => who,
    onWho(l) {
      listeners.add(l);
      l(who);
      return () => listeners.delete(l);
    },
    async refreshWho() {
      const r = await api<Whoami>('GET', '/api/auth/whoami');
      who = r.ok ? r.body : null;
      for (const l of listeners) l(who);
    },
  };
  return ctx;
}

function mountLogin(ctx: AppContext): void {
  const form = $('login') as HTMLFormElement;
  const msg = $('login-msg');
  const role = $('role');
  ctx.onWho((w) => {
    const needToken = !w || (w.auth_enabled && w.role !== 'admin');
    form.classList.toggle('hidden', !needToken);
    role.textContent = !w ? 'no access: log in' : !w.auth_enabled ? 'auth off' : w.role ? `${w.role}${w.name ? ` (${w.name})` : ''}` : 'anonymous';
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const input = $('token') as HTMLInputElement;
    const r = await api('POST', '/api/auth/login', { token: input.value });
    msg.textContent = r.ok ? '' : errorText(r);
    msg.className = r.ok ? '' : 'bad';
    if (!r.ok) return;
    input.value = '';
    await ctx.refreshWho();
    // The telemetry socket was opened with the old credentials.
    ctx.telemetry.restart();
  });
}

function mountConnection(ctx: AppContext): void {
  const pill = $('conn');
  ctx.telemetry.onConnection((c) => {
    // While the socket is down the panels poll the REST endpoints (panels/feed.ts).
    pill.textContent = c ? 'live' : 'polling';
    pill.className = `pill ${c ? 'ok' : 'warn'}`;
  });
}

async function boot(): Promise<void> {
  const ctx = createContext();
  mountLogin(ctx);
  mountConnection(ctx);
  const panels: [string, MountPanel][] = [
    ['video-panel', mountVideo], ['controls-panel', mountControls], ['telemetry-panel', mountTelemetry],
    ['charts-panel', mountCharts], ['restream-panel', mountRestream], ['config-panel', mountConfig], ['about', mountAbout],
  ];
  for (const [id, mount] of panels) {
    try {
      mount($(id), ctx);
    } catch (err) {
      // One broken panel must not take the video down with it.
      $(id).textContent = `${id} failed: ${(err as Error).message}`;
    }
  }
  await ctx.refreshWho();
  ctx.telemetry.start();
  startFallbackPoll(ctx);
}

void boot();
