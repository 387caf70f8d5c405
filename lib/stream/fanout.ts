// Fan-out: clients grouped by quality tier; each published frame is offered
// to the clients of its tier only. The JPEG pipeline learns which tiers are
// in demand from here, so it encodes exactly those. A client's tier changes
// only through here (a drop, a quality message, a new default), so the
// grouping and the demand can never disagree with the client.

import type { EncodedFrame } from '../encode/encoded-frame.js';
import type { JpegPipeline } from '../encode/jpeg-pipeline.js';
import type { ClientKind, StreamClient } from './stream-client.js';
import { logConnect, logDisconnect } from './connection-log.js';

export interface TransportCounters {
  framesSent: number;
  framesDropped: number;
  bytesSent: number;
}

function newCounters(): TransportCounters {
  return { framesSent: 0, framesDropped: 0, bytesSent: 0 };
}

export class Fanout {
  readonly #pipeline: JpegPipeline;
  readonly #byTier = new Map<number, StreamClient[]>();
  readonly #all = new Set<StreamClient>();
  /** Clients whose tier changed during an offer loop; reused, never reallocated. */
  readonly #moves: StreamClient[] = [];
  /** Clients to disconnect after a loop over clients (a send threw, or it stalled); reused, never reallocated. */
  readonly #failed: StreamClient[] = [];
  readonly #counts: Record<ClientKind, number> = { mjpeg: 0, ws: 0 };
  /** Stream connections per remote address (streaming.max_clients_per_address); an entry lives while its count is > 0. */
  readonly #perAddress = new Map<string, number>();
  framesSent = 0;
  framesDropped = 0;
  bytesSent = 0;
  /** Sends that threw (a socket gone under us); the client is dropped, the others go on. */
  sendErrors = 0;
  lastSendError: string | null = null;
  #ticker: NodeJS.Timeout;
  #lastTick = performance.now();

  /** Seconds a client may take no frame before it is disconnected. */
  readonly #stalledTimeoutS: number;
  /** Clients disconnected for taking no frame for stalledTimeoutS. */
  stalledClosed = 0;
  /** framesSent, framesDropped and bytesSent split by transport (for /metrics); updated in place, never reallocated. */
  readonly byKind: Record<ClientKind, TransportCounters> = { mjpeg: newCounters(), ws: newCounters() };

  constructor(pipeline: JpegPipeline, stalledTimeoutS = Infinity) {
    this.#pipeline = pipeline;
    this.#stalledTimeoutS = stalledTimeoutS;
    pipeline.onFrame((f) => this.#onFrame(f));
    this.#ticker = setInterval(() => this.#tick(), 1000);
    this.#ticker.unref();
  }

  count(kind: ClientKind): number {
    return this.#counts[kind];
  }

  /** Stream connections `remote` holds now. */
  countFrom(remote: string): number {
    return this.#perAddress.get(remote) ?? 0;
  }

  clients(): Iterable<StreamClient> {
    return this.#all;
  }

  add(client: StreamClient): void {
    this.#all.add(client);
    this.#counts[client.kind]++;
    this.#perAddress.set(client.remote, this.countFrom(client.remote) + 1);
    logConnect({ transport: client.kind, remote: client.remote, client_id: client.id });
    this.#join(client, client.quality.tier);
    // A new viewer of a tier that has a frame gets it at once, not a frame later.
    const cur = this.#pipeline.current(client.registeredTier);
    if (cur && performance.timeOrigin + performance.now() - cur.readyMs < 1000) this.#offer(client, cur);
  }

  /** `reason`: why the server ends it (for the log); none when the client left. */
  remove(client: StreamClient, reason?: string): void {
    if (!this.#all.delete(client)) return;
    this.#counts[client.kind]--;
    const n = this.countFrom(client.remote) - 1;
    if (n > 0) this.#perAddress.set(client.remote, n);
    else this.#perAddress.delete(client.remote);
    // uWS gives up on an HTTP response whose socket took nothing for its own
    // 10 s send timeout, which can fire before ours: a viewer dropped that
    // way while stalled is a stalled viewer too.
    if (client.endedStalled) this.stalledClosed++;
    this.#leave(client);
    logDisconnect({
      transport: client.kind, remote: client.remote, client_id: client.id, connectedAt: client.connectedAt, sent: client.sent,
      reason: reason ?? (client.endedStalled ? 'stalled' : undefined),
    });
  }

  /** A client asked for quality `q` (a WebSocket quality message): it keeps that from now on. */
  requestQuality(client: StreamClient, q: number): void {
    client.followsDefaultQuality = false;
    client.quality.request(q, performance.now());
    this.#retier(client);
  }

  /** The default quality changed: clients that never asked for their own follow it. */
  followDefaultQuality(q: number): void {
    const now = performance.now();
    for (const c of this.#all) {
      if (!c.followsDefaultQuality) continue;
      c.quality.request(q, now);
      this.#retier(c);
    }
  }

  /**
   * The capture rate changed: every client re-paces to it, and clients that
   * never asked for their own fps take `clientFps`.
   */
  followSourceFps(sourceFps: number, clientFps: number): void {
    for (const c of this.#all) {
      c.setSourceFps(sourceFps);
      if (c.followsDefaultFps) c.setFps(clientFps);
    }
  }

  /** Re-files a client after its tier changed outside an offer. */
  #retier(client: StreamClient): void {
    if (!this.#all.has(client) || client.registeredTier === client.quality.tier) return;
    this.#leave(client);
    this.#join(client, client.quality.tier);
  }

  #join(client: StreamClient, tier: number): void {
    let list = this.#byTier.get(tier);
    if (!list) this.#byTier.set(tier, (list = []));
    list.push(client);
    client.registeredTier = tier;
    this.#pipeline.addDemand(tier, +1);
  }

  #leave(client: StreamClient): void {
    const tier = client.registeredTier;
    const list = this.#byTier.get(tier);
    if (list) {
      const i = list.indexOf(client);
      if (i >= 0) {
        // Swap-remove: order does not matter and nothing shifts.
        list[i] = list[list.length - 1];
        list.pop();
      }
      if (list.length === 0) this.#byTier.delete(tier);
    }
    this.#pipeline.addDemand(tier, -1);
  }

  #offer(client: StreamClient, frame: EncodedFrame): void {
    const sentBefore = client.sent;
    const dropsBefore = client.drops;
    const bytesBefore = client.bytes;
    const tier = client.offer(frame, performance.now());
    const k = this.byKind[client.kind];
    k.framesSent += client.sent - sentBefore;
    k.framesDropped += client.drops - dropsBefore;
    k.bytesSent += client.bytes - bytesBefore;
    this.framesSent += client.sent - sentBefore;
    this.framesDropped += client.drops - dropsBefore;
    this.bytesSent += client.bytes - bytesBefore;
    if (tier !== client.registeredTier) this.#moves.push(client);
  }

  #onFrame(frame: EncodedFrame): void {
    const list = this.#byTier.get(frame.quality);
    if (list) {
      // Indexed loop over a plain array: no iterator object per frame.
      for (let i = 0; i < list.length; i++) {
        // One client's failure must not cost the others their frame, nor
        // escape into the pipeline's promise chain and end the process.
        try {
          this.#offer(list[i], frame);
        } catch (err) {
          this.sendErrors++;
          this.lastSendError = (err as Error).message;
          this.#failed.push(list[i]);
        }
      }
    }
    if (this.#failed.length) this.#disconnectFailed((c) => c.close(1011, 'Stream error'), 'send_error');
    if (this.#moves.length) {
      for (const c of this.#moves) {
        if (this.#all.has(c)) {
          this.#leave(c);
          this.#join(c, c.quality.tier);
        }
      }
      this.#moves.length = 0;
    }
  }

  #tick(): void {
    const now = performance.now();
    const seconds = (now - this.#lastTick) / 1000;
    this.#lastTick = now;
    for (const c of this.#all) {
      c.tick(seconds);
      if (c.stalledSeconds >= this.#stalledTimeoutS) this.#failed.push(c);
    }
    // A viewer whose socket stayed full that long is not watching: it would
    // keep its quality tier encoding and its buffers held until the socket's
    // own timeout (minutes for a WebSocket that still sends pings).
    this.stalledClosed += this.#failed.length;
    this.#disconnectFailed((c) => c.abort(), 'stalled');
  }

  /** Removes the clients collected in #failed and ends each with `end`. */
  #disconnectFailed(end: (c: StreamClient) => void, reason: string): void {
    for (const c of this.#failed) {
      this.remove(c, reason);
      try {
        end(c);
      } catch {
        // the connection is already gone
      }
    }
    this.#failed.length = 0;
  }

  /** Ends every stream (shutdown). */
  closeAll(code: number, reason: string): void {
    for (const c of [...this.#all]) c.close(code, reason);
    clearInterval(this.#ticker);
  }
}
