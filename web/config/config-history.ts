// The change history: recent changes from the audit log as old → new, each
// with one-click restore of the backup taken just before it, and the list of
// backups (the server keeps the newest 20) with restore. A restore replaces
// the whole saved file (the current one is backed up first), so the editor
// reloads its values afterwards.

import { api, errorText } from '../api.js';
import type { AuditRecord, BackupEntry } from './config-types.js';

/** Changes listed: the audit log keeps 100; a screenful is what an operator reads. */
const MAX_SHOWN = 30;

export interface HistoryView {
  el: HTMLElement;
  refresh(): Promise<void>;
}

const show = (v: unknown) => (v === undefined ? '(unset)' : typeof v === 'string' ? v : JSON.stringify(v));
const when = (s: number) => new Date(s * 1000).toLocaleString();

export function historyView(restored: () => void): HistoryView {
  const el = document.createElement('details');
  el.className = 'cfg-history';
  const summary = document.createElement('summary');
  summary.textContent = 'history';
  const msg = document.createElement('div');
  msg.className = 'cfg-msg';
  msg.setAttribute('role', 'status');
  const changes = document.createElement('ol');
  changes.className = 'cfg-changes';
  const backups = document.createElement('ol');
  backups.className = 'cfg-backups';
  const h = (text: string) => {
    const e = document.createElement('h3');
    e.textContent = text;
    return e;
  };
  el.append(summary, msg, h('changes'), changes, h('backups'), backups);

  const restore = async (id: string) => {
    const r = await api('POST', `/api/config/restore/${encodeURIComponent(id)}`);
    msg.textContent = r.ok ? `restored ${id}${r.body?.reboot_required ? '; some changes take effect after a restart' : ''}` : errorText(r);
    msg.className = `cfg-msg ${r.ok ? 'ok' : 'bad'}`;
    if (r.ok) restored();
  };
  const restoreButton = (id: string, text: string) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'cfg-restore';
    b.dataset.backup = id;
    b.textContent = text;
    b.addEventListener('click', () => void restore(id));
    return b;
  };

  const refresh = async () => {
    const [a, hist] = await Promise.all([
      api<{ entries: AuditRecord[] }>('GET', '/api/config/audit'), api<{ backups: BackupEntry[] }>('GET', '/api/config/history'),
    ]);
    changes.replaceChildren();
    backups.replaceChildren();
    if (!a.ok || !hist.ok) {
      msg.textContent = errorText(a.ok ? hist : a);
      msg.className = 'cfg-msg bad';
      return;
    }
    for (const e of a.body.entries.filter((x) => x.action !== 'offboard').slice(0, MAX_SHOWN)) {
      const li = document.createElement('li');
      const key = e.section && e.parameter ? `${e.section}.${e.parameter}` : e.action;
      const text = document.createElement('span');
      text.className = 'cfg-change';
      text.textContent = `${when(e.timestamp)} ${e.action} ${key}: `;
      const oldV = document.createElement('del');
      oldV.textContent = show(e.old_value);
      const newV = document.createElement('ins');
      newV.textContent = show(e.new_value);
      text.append(oldV, ' → ', newV, ` by ${e.client}`);
      li.append(text);
      if (e.backup_id) li.append(' ', restoreButton(e.backup_id, 'restore before this'));
      changes.append(li);
    }
    if (!changes.childElementCount) changes.append('no changes yet');
    for (const b of hist.body.backups) {
      const li = document.createElement('li');
      li.append(`${when(b.timestamp)} ${b.id} (${b.size} B) `, restoreButton(b.id, 'restore'));
      backups.append(li);
    }
    if (!backups.childElementCount) backups.append('no backups yet');
  };
  return { el, refresh };
}
