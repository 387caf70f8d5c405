// The operator's commands, shared by the buttons, the keyboard and the video
// (drag a box, smart click): each call posts to /commands/* and announces
// its outcome, in words, to whoever shows it (the controls panel's line).

import { api, errorText, type ApiResult } from '../api.js';

export interface CommandOutcome {
  command: string;
  ok: boolean;
  /** For people: what happened, or the server's reason. */
  text: string;
  result: ApiResult;
}

type Listener = (o: CommandOutcome) => void;
const listeners = new Set<Listener>();

export function onCommand(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

function announce(o: CommandOutcome): CommandOutcome {
  for (const l of listeners) l(o);
  return o;
}

async function post(command: string, body: unknown, describe: (b: any) => string): Promise<CommandOutcome> {
  const r = await api('POST', `/commands/${command}`, body);
  return announce({ command, ok: r.ok, text: r.ok ? describe(r.body) : errorText(r), result: r });
}

/** A box normalized to the frame ([0,1], top-left origin). */
export interface NormBox { x: number; y: number; width: number; height: number }

export const startTracking = (b: NormBox) =>
  post('start_tracking', b, (r) => `tracking ${r.tracker ?? ''} on ${fmtBox(r.bbox)} (frame ${r.frame_id ?? '?'})`);
export const stopTracking = () => post('stop_tracking', undefined, (r) => String(r.status ?? 'tracking stopped'));
export const toggleSmartMode = () =>
  post('toggle_smart_mode', undefined, (r) => `${r.status ?? 'smart mode toggled'}${r.warning ? ` (${r.warning})` : ''}`);
export const stopOffboard = () => post('stop_offboard_mode', undefined, (r) => `offboard: ${r.status ?? 'stopped'}`);

export function smartClick(x: number, y: number, frameId: number | null): Promise<CommandOutcome> {
  const body: Record<string, number> = { x, y };
  if (frameId !== null) body.frame_id = frameId;
  return post('smart_click', body, (r) => {
    if (r.selected) {
      const t = r.target ?? r.selected_target ?? {};
      const name = t.class_name ?? 'target';
      const id = t.target_id ?? t.id;
      return `selected ${name}${id !== undefined ? ` #${id}` : ''}${t.bbox ? ` at ${fmtBox(t.bbox)}` : ''}`;
    }
    return `nothing selected: ${r.message ?? r.reason ?? 'no reason given'}`;
  });
}

/** Offboard moves the vehicle: the operator confirms first. */
export async function startOffboard(): Promise<CommandOutcome | null> {
  if (!confirm('Start offboard mode? The vehicle will follow the tracked target.')) return null;
  return post('start_offboard_mode', undefined, (r) => {
    const errs: string[] = r.details?.errors ?? [];
    return `offboard: ${r.status ?? 'started'}${errs.length ? ` (${errs.join('; ')})` : ''}`;
  });
}

function fmtBox(b: unknown): string {
  if (Array.isArray(b)) return `[${b.map((v) => Math.round(Number(v))).join(', ')}]`;
  if (b && typeof b === 'object') {
    const o = b as Record<string, number>;
    return `[${[o.x, o.y, o.width, o.height].map((v) => Math.round(Number(v))).join(', ')}]`;
  }
  return '?';
}
