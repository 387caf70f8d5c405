// The About dialog: version (from /openapi.json), video source, encoders,
// uptime, and where the API docs are. Filled when opened, so it costs
// nothing until someone asks.

import { api } from '../api.js';
import type { MountPanel } from '../context.js';

const esc = (v: unknown) => String(v ?? '—').replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function uptime(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h} h ${m} min ${Math.floor(s % 60)} s`;
}

export const mountAbout: MountPanel = (el) => {
  const dlg = el as HTMLDialogElement;
  const fill = async () => {
    dlg.innerHTML = '<h2>about skyfeed</h2><p>loading…</p>';
    const [spec, status, stats] = await Promise.all([api('GET', '/openapi.json'), api('GET', '/status'), api('GET', '/stats')]);
    const st = status.body ?? {};
    const sx = stats.body ?? {};
    const enc = sx.webrtc?.encoder;
    dlg.innerHTML = `<h2>about skyfeed</h2><dl class="kv">
      <dt>version</dt><dd id="about-version">${esc(spec.body?.info?.version)}</dd>
      <dt>video source</dt><dd>${esc(st.source?.type)} (${esc(st.source?.state)}), ${esc(st.streaming?.width)}x${esc(st.streaming?.height)} @ ${esc(st.streaming?.fps)} fps</dd>
      <dt>JPEG encoders</dt><dd>${esc(sx.encode?.workers)} workers, p50 ${esc(sx.encode?.ms_p50)} ms</dd>
      <dt>WebRTC encoder</dt><dd>H.264, ${esc(enc?.state)}${enc?.kbps ? `, ${esc(enc.kbps)} kbit/s` : ''}${enc?.last_error ? `, last error: ${esc(enc.last_error)}` : ''}</dd>
      <dt>uptime</dt><dd id="about-uptime">${typeof st.uptime === 'number' ? uptime(st.uptime) : '—'}</dd>
      <dt>API</dt><dd><a href="docs" target="_blank" rel="noopener">/docs</a> · <a href="openapi.json" target="_blank" rel="noopener">/openapi.json</a></dd>
      </dl><form method="dialog"><button id="about-close">close</button></form>`;
  };
  document.getElementById('about-open')?.addEventListener('click', () => {
    dlg.showModal();
    void fill();
  });
};
