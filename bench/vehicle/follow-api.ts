// The HTTP client the follow bench drives the real server with: a bearer
// token, JSON both ways, and for every command the epoch time it was sent,
// on the clock the simulated vehicle's journal uses (performance.timeOrigin
// + performance.now(), µs precision), so "command sent" and "zero setpoint
// received by the vehicle" compare across processes on one machine.

export interface Sent<T> {
  /** Epoch ms just before the request was written. */
  sent_ms: number;
  /** Epoch ms when the answer was read. */
  answered_ms: number;
  status: number;
  body: T;
}

/** Epoch ms with µs precision, as the simulated vehicle stamps its journal. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/** Answers longer than this are cut in error messages. */
const ERROR_BODY_CHARS = 400;

export class FollowApi {
  /** http://127.0.0.1:<port> */
  readonly #base: string;
  /** Authorization and content type, the same for every request. */
  readonly #headers: Record<string, string>;

  constructor(port: number, token: string) {
    this.#base = `http://127.0.0.1:${port}`;
    this.#headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  }

  /** GET; throws on any status but 2xx. */
  async get<T = Record<string, any>>(path: string): Promise<T> {
    const r = await fetch(this.#base + path, { headers: this.#headers });
    if (!r.ok) throw new Error(`GET ${path}: HTTP ${r.status} ${(await r.text()).slice(0, ERROR_BODY_CHARS)}`);
    return (await r.json()) as T;
  }

  /** GET; null on 404 (a frame not made yet or no longer kept), throws on other errors. */
  async getOrNull<T = Record<string, any>>(path: string): Promise<T | null> {
    const r = await fetch(this.#base + path, { headers: this.#headers });
    if (r.status === 404) {
      await r.arrayBuffer();
      return null;
    }
    if (!r.ok) throw new Error(`GET ${path}: HTTP ${r.status} ${(await r.text()).slice(0, ERROR_BODY_CHARS)}`);
    return (await r.json()) as T;
  }

  /** POST with the time it was sent; throws on any status but 2xx (a refused command is a harness problem here). */
  async post<T = Record<string, any>>(path: string, body?: unknown): Promise<Sent<T>> {
    const init: RequestInit = { method: 'POST', headers: this.#headers, body: body === undefined ? undefined : JSON.stringify(body) };
    const sent = epochMs();
    const r = await fetch(this.#base + path, init);
    const text = await r.text();
    const answered = epochMs();
    if (!r.ok) throw new Error(`POST ${path}: HTTP ${r.status} ${text.slice(0, ERROR_BODY_CHARS)}`);
    return { sent_ms: sent, answered_ms: answered, status: r.status, body: JSON.parse(text) as T };
  }
}
