// Push of one JSON text message per tick to many sockets, at a few fixed
// rates: one timer per rate in use, the message built once per tick and the
// same string sent to every socket at that rate, so a tick costs one build
// plus one send per socket whatever the number of dashboards. A socket whose
// buffer holds more than `maxBuffered` bytes is not reading: its tick is
// skipped (counted), never queued, so its memory stays bounded.

import { logger } from '../util/log.js';

/** What the hub needs of a socket (a uWS WebSocket fits). */
export interface TelemetrySink {
  getBufferedAmount(): number;
  send(message: string, isBinary?: boolean): number;
  end(code?: number, reason?: string): void;
}

export interface TelemetrySubscriber {
  readonly hz: number;
  readonly remote: string;
  /** Messages handed to the socket. */
  sent: number;
  /** Ticks skipped because the socket's buffer was over the bound. */
  dropped: number;
}

export interface TelemetryHubStats {
  clients: number;
  sent: number;
  dropped: number;
  /** Messages built (one per tick per rate in use). */
  built: number;
}

interface Sub extends TelemetrySubscriber {
  sink: TelemetrySink;
}

interface RateGroup {
  subs: Set<Sub>;
  timer: NodeJS.Timeout;
}

export class TelemetryHub {
  /** Builds the message of a tick; called once per tick per rate in use. */
  readonly #build: () => string;
  /** Bytes a socket may hold before its ticks are skipped. */
  readonly #maxBuffered: number;
  /** hz → the sockets at that rate and their timer (at most one per rate, so ≤ 10 timers). */
  readonly #groups = new Map<number, RateGroup>();
  /** Subscribers per remote address, for the per-address limit. */
  readonly #perRemote = new Map<string, number>();
  #count = 0;
  #sent = 0;
  #dropped = 0;
  #built = 0;
  /** Ticks whose message could not be built (logged once). */
  #buildErrors = 0;
  #closed = false;

  constructor(build: () => string, maxBuffered: number) {
    this.#build = build;
    this.#maxBuffered = maxBuffered;
  }

  get closed(): boolean {
    return this.#closed;
  }

  count(): number {
    return this.#count;
  }

  countFrom(remote: string): number {
    return this.#perRemote.get(remote) ?? 0;
  }

  stats(): TelemetryHubStats {
    return { clients: this.#count, sent: this.#sent, dropped: this.#dropped, built: this.#built };
  }

  /** Starts pushing to `sink` every 1/hz s (the first message at the group's next tick). */
  add(sink: TelemetrySink, hz: number, remote: string): TelemetrySubscriber {
    if (this.#closed) throw new Error('telemetry hub closed');
    if (!Number.isInteger(hz) || hz < 1 || hz > 1000) throw new RangeError(`hz must be an integer ≥ 1, got ${hz}`);
    const sub: Sub = { sink, hz, remote, sent: 0, dropped: 0 };
    let g = this.#groups.get(hz);
    if (!g) {
      const subs = new Set<Sub>();
      const timer = setInterval(() => this.#tick(subs), 1000 / hz);
      g = { subs, timer };
      this.#groups.set(hz, g);
    }
    g.subs.add(sub);
    this.#count++;
    this.#perRemote.set(remote, this.countFrom(remote) + 1);
    return sub;
  }

  /** Stops pushing to the subscriber (its socket closed). Idempotent. */
  remove(s: TelemetrySubscriber): void {
    const g = this.#groups.get(s.hz);
    if (!g || !g.subs.delete(s as Sub)) return;
    this.#count--;
    const n = this.countFrom(s.remote) - 1;
    if (n > 0) this.#perRemote.set(s.remote, n);
    else this.#perRemote.delete(s.remote);
    if (g.subs.size === 0) {
      clearInterval(g.timer);
      this.#groups.delete(s.hz);
    }
  }

  /** Ends every socket with `code` and stops the timers. Idempotent. */
  close(code = 1001, reason = 'Server shutting down'): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const g of this.#groups.values()) {
      clearInterval(g.timer);
      for (const s of [...g.subs]) s.sink.end(code, reason);
    }
    this.#groups.clear();
    this.#perRemote.clear();
    this.#count = 0;
  }

  #tick(subs: Set<Sub>): void {
    let msg: string;
    try {
      msg = this.#build();
    } catch (err) {
      // A tick runs in a timer: a throw here would end the process. Skip the tick, say so once.
      if (this.#buildErrors++ === 0) logger('telemetry').error({ err }, 'telemetry message failed to build');
      return;
    }
    this.#built++;
    for (const s of subs) {
      if (s.sink.getBufferedAmount() > this.#maxBuffered) {
        s.dropped++;
        this.#dropped++;
        continue;
      }
      s.sink.send(msg, false);
      s.sent++;
      this.#sent++;
    }
  }
}
