// One /ws/telemetry connection for the whole page, reconnecting with backoff;
// panels subscribe to its messages and to its connection state.

import type { TelemetryMessage } from './telemetry-types.js';

export type TelemetryListener = (m: TelemetryMessage) => void;
export type ConnectionListener = (connected: boolean) => void;

const MAX_BACKOFF_MS = 5000;

export class TelemetryClient {
  #ws: WebSocket | null = null;
  #listeners = new Set<TelemetryListener>();
  #conn = new Set<ConnectionListener>();
  #backoff = 250;
  #closed = false;
  latest: TelemetryMessage | null = null;
  connected = false;

  constructor(readonly hz = 5) {}

  start(): void {
    if (this.#closed || this.#ws) return;
    const url = new URL(`ws/telemetry?hz=${this.hz}`, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url);
    this.#ws = ws;
    ws.onopen = () => {
      this.#backoff = 250;
      this.#setConnected(true);
    };
    ws.onmessage = (ev) => {
      let m: TelemetryMessage;
      try {
        m = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (m?.type !== 'telemetry') return;
      this.latest = m;
      for (const l of this.#listeners) l(m);
    };
    ws.onclose = () => {
      this.#ws = null;
      this.#setConnected(false);
      if (this.#closed) return;
      setTimeout(() => this.start(), this.#backoff);
      this.#backoff = Math.min(MAX_BACKOFF_MS, this.#backoff * 2);
    };
  }

  /** Reconnect now (after a login changed what the socket may see). */
  restart(): void {
    this.#ws?.close();
  }

  on(l: TelemetryListener): () => void {
    this.#listeners.add(l);
    if (this.latest) l(this.latest);
    return () => this.#listeners.delete(l);
  }

  onConnection(l: ConnectionListener): () => void {
    this.#conn.add(l);
    l(this.connected);
    return () => this.#conn.delete(l);
  }

  #setConnected(c: boolean): void {
    this.connected = c;
    for (const l of this.#conn) l(c);
  }

  close(): void {
    this.#closed = true;
    this.#ws?.close();
  }
}
