// One parameter of the editor: name, reload-tier badge, input with unit,
// description and range, save (PUT) and back-to-default (revert), and the
// server's answer shown next to the key: its validation message on failure,
// when the change takes effect on success. File-only keys are read-only with
// the reason; secret keys never show their value (the API masks it).

import { api, errorText } from '../api.js';
import { MASK, TIER_TEXT, type ChangeResult, type ParamMeta } from './config-types.js';
import { paramInput } from './param-input.js';

export interface RowHooks {
  /** After a successful save or revert (the history has a new entry). */
  changed(): void;
}

const FILE_ONLY_WHY = 'file-only: chooses a program, the listener or whom the server trusts, '
  + 'so it changes only by editing the config file (an admin token must not become a shell)';

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text = ''): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text) e.textContent = text;
  return e;
}

function describe(m: ParamMeta): string {
  const parts: string[] = [];
  if (m.description) parts.push(m.description);
  if (m.min !== null || m.max !== null) parts.push(`range ${m.min ?? '…'}..${m.max ?? '…'}${m.unit ? ` ${m.unit}` : ''}`);
  if (!m.secret && m.default !== null && m.default !== undefined) parts.push(`default ${show(m.default)}`);
  return parts.join(' · ');
}

/** What a successful change means for the operator. */
function outcome(r: ChangeResult): string {
  const warn = r.validation?.warnings?.length ? ` (${r.validation.warnings.join('; ')})` : '';
  if (r.applied) return `saved, applied live${warn}`;
  if (r.reload_tier === 'immediate' && !r.reboot_required) return `saved${warn}`;
  return `saved; takes effect after a ${TIER_TEXT[r.reload_tier]}${warn}`;
}

export function paramRow(section: string, param: string, m: ParamMeta, value: unknown, hooks: RowHooks): HTMLElement {
  const row = el('div', 'cfg-row');
  row.dataset.key = `${section}.${param}`;
  const id = `cfg-${section}-${param}`;
  const head = el('div', 'cfg-head');
  const label = el('label', 'cfg-name', param);
  label.htmlFor = id;
  const tier = el('span', `cfg-tier tier-${m.reload_tier}`, TIER_TEXT[m.reload_tier]);
  tier.title = m.reload_tier === 'immediate' ? 'applies live when saved' : `saved at once; applies after a ${TIER_TEXT[m.reload_tier]}`;
  head.append(label, tier);

  const input = paramInput(m, m.secret ? '' : value, id);
  const edit = el('div', 'cfg-edit');
  edit.append(input.el);
  if (m.unit) edit.append(el('span', 'cfg-unit', m.unit));
  const msg = el('div', 'cfg-msg');
  msg.setAttribute('role', 'status');
  const say = (text: string, bad: boolean) => {
    msg.textContent = text;
    msg.className = `cfg-msg ${bad ? 'bad' : 'ok'}`;
  };

  if (m.secret) {
    if (input.el instanceof HTMLInputElement) input.el.type = 'password';
    input.el.setAttribute('placeholder', value === MASK ? `${MASK} (set; hidden)` : '(not set)');
  }
  if (m.file_only) {
    input.el.disabled = true;
    head.append(el('span', 'cfg-tier cfg-file-only', 'file-only'));
    row.append(head, edit, el('div', 'cfg-desc', describe(m)), el('div', 'cfg-why', FILE_ONLY_WHY));
    return row;
  }

  const save = el('button', 'cfg-save', 'save');
  save.type = 'button';
  const revert = el('button', 'cfg-revert', 'default');
  revert.type = 'button';
  revert.title = 'remove the saved override so the default applies';
  edit.append(save, revert);
  const busy = (b: boolean) => { save.disabled = revert.disabled = b; };

  save.addEventListener('click', async () => {
    const v = input.read();
    if ('error' in v) return say(v.error, true);
    // The field of a secret starts empty (the API never shows it): saving it empty would erase the secret.
    if (m.secret && v.value === '') return say('type the new value first (the saved one is never shown)', true);
    busy(true);
    const r = await api<ChangeResult>('PUT', `/api/config/${encodeURIComponent(section)}/${encodeURIComponent(param)}`, { value: v.value });
    busy(false);
    if (!r.ok) return say(errorText(r), true);
    if (!m.secret) input.set(r.body.value);
    say(outcome(r.body), false);
    hooks.changed();
  });
  revert.addEventListener('click', async () => {
    busy(true);
    const r = await api<ChangeResult>('POST', `/api/config/revert/${encodeURIComponent(section)}/${encodeURIComponent(param)}`);
    busy(false);
    if (!r.ok) return say(errorText(r), true);
    if (!m.secret) input.set(r.body.value);
    say(`back to the default; ${outcome(r.body)}`, false);
    hooks.changed();
  });
  row.append(head, edit, el('div', 'cfg-desc', describe(m)), msg);
  return row;
}
