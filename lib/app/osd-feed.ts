// The engine's one OSD source: the JPEG workers and the H.264 feed ask it,
// once per frame, what to draw. The preset follows the running config
// (osd.enabled, osd.preset; LiveSettings writes them, so a change applies
// at the next frame); the state comes from whoever knows the target (the
// controller, attached after the engine is built), else a frame with no
// track: the centre crosshair, status and time, nothing made up.

import type { OsdConfig } from '../config/types.js';
import type { OsdPreset, OsdSource, OsdState } from '../encode/osd/osd-state.js';

export type OsdStateFn = (captureMs: number) => OsdState | null;

export class OsdFeed implements OsdSource {
  /** The running config's osd section (read live, never copied). */
  readonly #config: { readonly osd: OsdConfig };
  /** The attached state source; null: no controller yet. */
  #state: OsdStateFn | null = null;

  constructor(config: { readonly osd: OsdConfig }) {
    this.#config = config;
  }

  /** Attaches the state source (the controller); replaces any earlier one. */
  attach(fn: OsdStateFn): void {
    this.#state = fn;
  }

  state(captureMs: number): OsdState | null {
    if (this.#state) return this.#state(captureMs);
    // A fresh object per frame: it may be read by an encode that runs later.
    return { track: null, following: false, timeS: captureMs / 1000 };
  }

  preset(): OsdPreset | null {
    const o = this.#config.osd;
    return o.enabled ? o.preset : null;
  }
}
