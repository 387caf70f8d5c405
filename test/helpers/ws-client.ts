// A real WebSocket client (the `ws` package) that records the contract's
// message pairs: JSON meta, then the binary JPEG.

import WebSocket from 'ws';

export interface WsFrame {
  meta: { type: string; timestamp: number; frame_id: number; quality: number; size: number };
  jpeg: Buffer;
}

export interface WsSession {
  ws: WebSocket;
  frames: WsFrame[];
  /** Non-frame JSON messages (pong, error, quality ...). */
  messages: Record<string, unknown>[];
  protocolErrors: string[];
  closed: Promise<{ code: number; reason: string }>;
  send(msg: unknown): void;
  waitFrames(n: number, timeoutMs?: number): Promise<void>;
  waitMessage(pred: (m: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

export function openWs(url: string, headers?: Record<string, string>): Promise<WsSession> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const frames: WsFrame[] = [];
    const messages: Record<string, unknown>[] = [];
    const protocolErrors: string[] = [];
    let pendingMeta: WsFrame['meta'] | null = null;
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    const poll = <T>(check: () => T | undefined, timeoutMs: number, what: string) =>
      new Promise<T>((ok, fail) => {
        const t0 = Date.now();
        const tick = () => {
          const v = check();
          if (v !== undefined) return ok(v);
          if (Date.now() - t0 > timeoutMs) return fail(new Error(`timed out waiting for ${what}`));
          setTimeout(tick, 10);
        };
        tick();
      });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        if (!pendingMeta) protocolErrors.push('binary without meta');
        else if (pendingMeta.size !== data.length) protocolErrors.push(`size ${pendingMeta.size} != ${data.length}`);
        if (pendingMeta) frames.push({ meta: pendingMeta, jpeg: data });
        pendingMeta = null;
        return;
      }
      const msg = JSON.parse(data.toString());
      if (msg.type === 'frame') {
        if (pendingMeta) protocolErrors.push('two metas in a row');
        pendingMeta = msg;
      } else messages.push(msg);
    });
    ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.on('error', reject);
    ws.on('open', () => resolve({
      ws, frames, messages, protocolErrors, closed,
      send: (m) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)),
      waitFrames: (n, timeoutMs = 10000) => poll(() => (frames.length >= n ? true : undefined), timeoutMs, `${n} frames`).then(() => {}),
      waitMessage: (pred, timeoutMs = 5000) => poll(() => messages.find(pred), timeoutMs, 'message'),
    }));
  });
}

/** The HTTP status a WebSocket upgrade gets: 101 when it opens (then closed at once), else the refusal's code. */
export function wsUpgradeStatus(url: string, options: WebSocket.ClientOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once('open', () => { ws.terminate(); resolve(101); });
    ws.once('unexpected-response', (_req, res) => { res.resume(); resolve(res.statusCode ?? 0); ws.terminate(); });
    ws.once('error', reject);
  });
}
