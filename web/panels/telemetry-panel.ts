// Tracker, follower (setpoints and loss policy), vehicle link and video
// health, refreshed from each telemetry message; operators get the video
// reconnect button.

import { api, errorText } from '../api.js';
import type { MountPanel } from '../context.js';
import { roleAllows, whyNot } from '../context.js';
import type { TelemetryMessage } from '../telemetry-types.js';
import { onTelemetry } from './feed.js';

type Row = [string, unknown, string?];

const esc = (v: unknown) => String(v).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function fmt(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) < 10 ? 2 : 1);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

function rows(list: Row[]): string {
  return list.map(([k, v, cls]) => `<dt>${esc(k)}</dt><dd${cls ? ` class="${cls}"` : ''} data-key="${esc(k)}">${esc(fmt(v))}</dd>`).join('');
}

function tracker(m: TelemetryMessage): Row[] {
  const td = m.tracker?.tracker_data ?? {};
  if (td.data_type === 'MULTI_TARGET') {
    const sel = (td.targets ?? []).find((x: any) => x.is_selected);
    return [['state', 'smart mode'], ['detections', (td.targets ?? []).length], ['selected', sel ? `${sel.class_name} #${sel.target_id}` : null]];
  }
  if (!m.tracker?.tracker_started && !td.target_state) {
    return [['state', m.tracker?.stop_reason ? `stopped (${m.tracker.stop_reason})` : 'idle'], ['message', m.tracker?.message]];
  }
  const st = td.target_state ?? (td.tracking_active ? 'measured' : null);
  return [
    ['state', st, st === 'measured' ? 'good' : st === 'lost' ? 'bad' : 'warn'],
    ['tracker', td.tracker_id], ['confidence', typeof td.confidence === 'number' ? `${Math.round(td.confidence * 100)} %` : null],
    ['usable', m.tracker?.usable_for_following], ['loss reason', td.loss_reason], ['frames lost', td.frames_lost],
    ['box', Array.isArray(td.bbox) ? td.bbox.map((v: number) => Math.round(v)).join(', ') : null], ['frame', td.frame_id],
  ];
}

function follower(m: TelemetryMessage): { fields: Row[]; state: Row[]; loss: Row[] } {
  const f = m.follower ?? {};
  const fields = Object.entries(f.fields ?? {}).map(([k, v]) => [k, v] as Row);
  const lp = f.loss_policy ?? {};
  return {
    fields,
    state: [['profile', f.profile_name], ['following', f.following_active, f.following_active ? 'bad' : ''], ['preview', f.preview],
      ['offboard phase', f.offboard_phase], ['limited', Array.isArray(f.limited) && f.limited.length ? f.limited.join(', ') : null]],
    loss: [['phase', lp.phase], ['reason', lp.reason], ['time lost', lp.time_lost_s], ['hold remaining', lp.hold_remaining_s],
      ['action in', lp.action_in_s], ['action', lp.action], ['losses', lp.losses]],
  };
}

function vehicle(m: TelemetryMessage): Row[] {
  const v = m.status?.vehicle;
  if (!v) return [['link', 'none (vehicle.connection: none)']];
  return [['connected', v.connected, v.connected ? 'good' : 'bad'], ['mode', v.flight_mode_text], ['armed', v.armed],
    ['heartbeat age', typeof v.last_heartbeat_age_s === 'number' ? `${v.last_heartbeat_age_s.toFixed(1)} s` : null],
    ['circuit breaker', v.circuit_breaker], ['link', v.connection]];
}

function video(m: TelemetryMessage): Row[] {
  const s = m.status ?? {};
  const src = s.source ?? {};
  return [['status', s.video_status, s.video_status === 'healthy' ? 'good' : 'bad'], ['source', src.type],
    ['capture fps', m.stats?.capture_fps ?? s.streaming?.capture_fps], ['failures', src.consecutiveFailures], ['last error', src.lastError],
    ['clients', m.stats ? `${m.stats.clients.webrtc} webrtc / ${m.stats.clients.ws} ws / ${m.stats.clients.mjpeg} mjpeg` : null]];
}

export const mountTelemetry: MountPanel = (el, ctx) => {
  el.innerHTML = `<h2>telemetry</h2>
    <h3>tracker</h3><dl id="t-tracker" class="kv"></dl>
    <h3>follower setpoints</h3><dl id="follower-fields" class="kv"></dl>
    <h3>follower</h3><dl id="t-follower" class="kv"></dl>
    <h3>loss policy</h3><dl id="t-loss" class="kv"></dl>
    <h3>vehicle link</h3><dl id="t-vehicle" class="kv"></dl>
    <h3>video</h3><dl id="t-video" class="kv"></dl>
    <button id="video-reconnect" type="button">Reconnect video</button> <span id="reconnect-msg" class="msg"></span>`;
  const set = (id: string, r: Row[]) => { el.querySelector(`#${id}`)!.innerHTML = rows(r); };
  onTelemetry(ctx, (m) => {
    set('t-tracker', tracker(m));
    const f = follower(m);
    set('follower-fields', f.fields.length ? f.fields : [['setpoints', 'no follower']]);
    set('t-follower', f.state);
    set('t-loss', f.loss);
    set('t-vehicle', vehicle(m));
    set('t-video', video(m));
  });
  const btn = el.querySelector<HTMLButtonElement>('#video-reconnect')!;
  const out = el.querySelector<HTMLSpanElement>('#reconnect-msg')!;
  ctx.onWho((w) => {
    btn.classList.toggle('hidden', !roleAllows(w, 'operator'));
    btn.title = whyNot(w, 'operator');
  });
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    out.textContent = 'reconnecting…';
    const r = await api('POST', '/api/video/reconnect');
    btn.disabled = false;
    out.textContent = r.ok ? 'video reconnected' : errorText(r);
    out.className = `msg ${r.ok ? 'good' : 'bad'}`;
  });
};
