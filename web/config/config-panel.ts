// The configuration editor, generated from GET /api/config/schema and the
// saved values (GET /api/config/current): one collapsible block per section,
// one row per key (param-row.ts), a filter, and the history (config-history.ts).
// Admins only: for anyone else the panel says which role it needs and
// builds nothing (the API would refuse the writes anyway).

import { api, errorText } from '../api.js';
import { roleAllows, whyNot, type MountPanel, type Whoami } from '../context.js';
import type { CurrentResponse, SchemaResponse } from './config-types.js';
import { paramRow } from './param-row.js';
import { historyView } from './config-history.js';

export const mountConfig: MountPanel = (el, ctx) => {
  const title = document.createElement('h2');
  title.textContent = 'configuration';
  const notice = document.createElement('p');
  notice.className = 'cfg-notice';
  const body = document.createElement('div');
  body.className = 'cfg-body';
  el.replaceChildren(title, notice, body);
  let shownFor: string | null = null;

  const build = async () => {
    const [schema, current] = await Promise.all([
      api<SchemaResponse>('GET', '/api/config/schema'), api<CurrentResponse>('GET', '/api/config/current'),
    ]);
    if (!schema.ok || !current.ok) {
      notice.textContent = `cannot load the configuration: ${errorText(schema.ok ? current : schema)}`;
      return;
    }
    notice.textContent = current.body.file ? `saved to ${current.body.file}` : 'no writable config file: changes cannot be saved';
    const history = historyView(() => void build());
    const filter = document.createElement('input');
    filter.type = 'search';
    filter.id = 'cfg-filter';
    filter.placeholder = 'filter keys';
    const sections: HTMLDetailsElement[] = [];
    for (const [section, params] of Object.entries(schema.body.parameters)) {
      const d = document.createElement('details');
      d.className = 'cfg-section';
      d.dataset.section = section;
      const s = document.createElement('summary');
      s.textContent = `${section} (${Object.keys(params).length})`;
      d.append(s);
      const values = current.body.config[section] ?? {};
      for (const [param, meta] of Object.entries(params)) {
        d.append(paramRow(section, param, meta, values[param], { changed: () => void history.refresh() }));
      }
      sections.push(d);
    }
    filter.addEventListener('input', () => {
      const q = filter.value.trim().toLowerCase();
      for (const d of sections) {
        let any = false;
        for (const row of d.querySelectorAll<HTMLElement>('.cfg-row')) {
          const hit = !q || row.dataset.key!.toLowerCase().includes(q);
          row.classList.toggle('hidden', !hit);
          any ||= hit;
        }
        d.classList.toggle('hidden', !any);
        d.open = !!q && any;
      }
    });
    body.replaceChildren(filter, ...sections, history.el);
    await history.refresh();
  };

  const update = (w: Whoami | null) => {
    const key = roleAllows(w, 'admin') ? 'admin' : 'none';
    if (key === shownFor) return;
    shownFor = key;
    body.replaceChildren();
    if (key !== 'admin') {
      notice.textContent = `configuration needs the admin role${w ? ` (${whyNot(w, 'admin')})` : ''}`;
      return;
    }
    notice.textContent = 'loading…';
    void build();
  };
  ctx.onWho(update);
};
