// Every restream target of the configuration, by label: started at server
// start when `autostart`, started and stopped through the API, reported in
// /stats. Each target holds the shared H.264 encoder only while it sends.

import type { AccessUnitSource } from '../../encode/h264/index.js';
import { RestreamError } from './restream-errors.js';
import { RtpTarget, type RtpTargetOptions } from './rtp-target.js';
import type { RestreamTargetSpec, RestreamTargetStatus } from './target-spec.js';

/** The shared encode and a way to keep it running. */
export interface RestreamEncoder {
  source: AccessUnitSource;
  /** Keeps the encoder (and the camera) running until the returned release is called. */
  hold(): () => void;
}

export class RestreamHub {
  readonly #targets = new Map<string, RtpTarget>();
  #closed = false;

  /** `encoder` null: no H.264 encode exists (then `specs` must be empty). */
  constructor(specs: readonly RestreamTargetSpec[], encoder: RestreamEncoder | null, opts: Partial<RtpTargetOptions> = {}) {
    if (specs.length > 0 && !encoder) throw new TypeError('restream targets need the H.264 encoder');
    for (const spec of specs) {
      if (this.#targets.has(spec.label)) throw new TypeError(`restream target label ${spec.label} is used twice`);
      this.#targets.set(spec.label, new RtpTarget(spec, encoder!.source, () => encoder!.hold(), opts));
    }
  }

  get size(): number {
    return this.#targets.size;
  }

  /** Starts the targets marked autostart. */
  startAutostart(): void {
    if (this.#closed) return;
    for (const t of this.#targets.values()) if (t.spec.autostart) t.start();
  }

  start(label: string): RestreamTargetStatus {
    const t = this.#get(label);
    if (!this.#closed) t.start();
    return t.status();
  }

  stop(label: string): RestreamTargetStatus {
    const t = this.#get(label);
    t.stop();
    return t.status();
  }

  /** Status of one target; throws SKYFEED_ERR_RESTREAM_UNKNOWN_TARGET. */
  status(label: string): RestreamTargetStatus {
    return this.#get(label).status();
  }

  list(): RestreamTargetStatus[] {
    return [...this.#targets.values()].map((t) => t.status());
  }

  /** Labels that are sending or trying to (for the dashboard and metrics). */
  get activeCount(): number {
    let n = 0;
    for (const t of this.#targets.values()) if (t.active) n++;
    return n;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#targets.values()) t.close();
  }

  #get(label: string): RtpTarget {
    const t = this.#targets.get(label);
    if (!t) throw new RestreamError('SKYFEED_ERR_RESTREAM_UNKNOWN_TARGET', `No restream target labelled ${JSON.stringify(label.slice(0, 64))} (restream.targets in the config file)`);
    return t;
  }
}
