// Messages between a server (or test) and the simulated vehicle it forked.
// The child is told everything in `init` (the signing passphrase included,
// so it never shows in argv or the environment) and answers requests by id.

import type { SimSettings } from './sim-options.js';

export type SimRequest =
  | { id: number; cmd: 'stats' }
  | { id: number; cmd: 'journal' }
  | { id: number; cmd: 'reset_stats' }
  | { id: number; cmd: 'drop_link'; seconds: number };

export type ParentMessage = { type: 'init'; settings: SimSettings } | ({ type: 'request' } & SimRequest);

export type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'failed'; error: string }
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: string };
