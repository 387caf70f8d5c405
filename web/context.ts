// What every panel gets: the API, the telemetry stream, and the caller's
// role (null until known; it changes on login). Panels hide or disable what
// the role cannot do and say why (roleAllows + whyNot).

import type { TelemetryClient } from './telemetry-client.js';

export type Role = 'viewer' | 'operator' | 'admin';
const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export interface Whoami {
  role: Role | null;
  name: string | null;
  auth_enabled: boolean;
  viewer_access: 'open' | 'token';
}

export interface AppContext {
  telemetry: TelemetryClient;
  /** The caller as the server sees them (null: not yet known, or no access without a token). */
  who(): Whoami | null;
  onWho(l: (w: Whoami | null) => void): () => void;
  /** Ask the server again (after login/logout). */
  refreshWho(): Promise<void>;
}

export function roleAllows(w: Whoami | null, need: Role): boolean {
  if (!w) return false;
  if (!w.auth_enabled) return true;
  return w.role !== null && RANK[w.role] >= RANK[need];
}

/** Why a control is disabled for this caller, or '' when it is not. */
export function whyNot(w: Whoami | null, need: Role): string {
  return roleAllows(w, need) ? '' : `needs the ${need} role (log in with an ${need} token)`;
}

/** A panel: builds its DOM inside `el` and keeps it current. */
export type MountPanel = (el: HTMLElement, ctx: AppContext) => void;
