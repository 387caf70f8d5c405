// The input for one parameter by its schema type, and reading it back as a
// JSON value: a number field with min/max/step, a checkbox, a select for an
// enum, a text field, or JSON text for arrays and objects. The server
// validates again; reading only refuses what cannot be sent at all.

import type { ParamMeta } from './config-types.js';

export interface ParamInput {
  el: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  /** The value to send, or an error to show instead of sending. */
  read(): { value: unknown } | { error: string };
  set(value: unknown): void;
}

const isInteger = (m: ParamMeta) => m.type === 'integer';

export function paramInput(m: ParamMeta, value: unknown, id: string): ParamInput {
  if (m.options) return enumInput(m.options, value, id);
  switch (m.type) {
    case 'boolean': return boolInput(value, id);
    case 'integer':
    case 'number': return numberInput(m, value, id);
    case 'string': return textInput(value, id);
    default: return jsonInput(value, id);
  }
}

function enumInput(options: unknown[], value: unknown, id: string): ParamInput {
  const el = document.createElement('select');
  el.id = id;
  for (const [i, o] of options.entries()) {
    const opt = document.createElement('option');
    opt.value = String(i);
    opt.textContent = typeof o === 'string' ? o : JSON.stringify(o);
    el.append(opt);
  }
  const set = (v: unknown) => {
    const i = options.findIndex((o) => JSON.stringify(o) === JSON.stringify(v));
    el.value = String(Math.max(0, i));
  };
  set(value);
  return { el, set, read: () => ({ value: options[Number(el.value)] }) };
}

function boolInput(value: unknown, id: string): ParamInput {
  const el = document.createElement('input');
  el.type = 'checkbox';
  el.id = id;
  const set = (v: unknown) => { el.checked = v === true; };
  set(value);
  return { el, set, read: () => ({ value: el.checked }) };
}

function numberInput(m: ParamMeta, value: unknown, id: string): ParamInput {
  const el = document.createElement('input');
  el.type = 'number';
  el.id = id;
  if (m.min !== null) el.min = String(m.min);
  if (m.max !== null) el.max = String(m.max);
  el.step = m.step !== null ? String(m.step) : isInteger(m) ? '1' : 'any';
  const set = (v: unknown) => { el.value = typeof v === 'number' ? String(v) : ''; };
  set(value);
  return {
    el, set,
    read: () => {
      const text = el.value.trim();
      // An empty or unparsable field: let the server say what it expects (its message is the one shown).
      if (text === '') return { value: null };
      const n = Number(text);
      return Number.isFinite(n) ? { value: n } : { value: text };
    },
  };
}

function textInput(value: unknown, id: string): ParamInput {
  const el = document.createElement('input');
  el.type = 'text';
  el.id = id;
  el.spellcheck = false;
  const set = (v: unknown) => { el.value = v === null || v === undefined ? '' : String(v); };
  set(value);
  return { el, set, read: () => ({ value: el.value }) };
}

function jsonInput(value: unknown, id: string): ParamInput {
  const el = document.createElement('textarea');
  el.id = id;
  el.rows = 2;
  el.spellcheck = false;
  const set = (v: unknown) => { el.value = JSON.stringify(v ?? null); };
  set(value);
  return {
    el, set,
    read: () => {
      try {
        return { value: JSON.parse(el.value) };
      } catch (err) {
        return { error: `not JSON: ${(err as Error).message}` };
      }
    },
  };
}
