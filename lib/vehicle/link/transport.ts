// A byte pipe to the autopilot. UDP delivers whole datagrams and knows who
// sent each; serial is a byte stream with one fixed peer.

export interface PeerAddress {
  address: string;
  port: number;
}

export interface Transport {
  /** e.g. "udpin 0.0.0.0:14540". */
  readonly description: string;
  /** Datagrams carry whole packets; a stream may split them. */
  readonly datagrams: boolean;
  /** Where send() goes; null until known (udpin before the first HEARTBEAT). */
  readonly peer: PeerAddress | null;
  /** Bound local port (UDP), null otherwise. */
  readonly localPort: number | null;
  open(onData: (data: Buffer, from: PeerAddress | null) => void, onError: (err: Error) => void): Promise<void>;
  /** Sends to the peer; rejects when there is none or the OS refuses. */
  send(data: Buffer): Promise<void>;
  /** Follow-the-sender: replies go to this address from now on (udpin only; others ignore it). */
  setPeer(peer: PeerAddress): void;
  /** Idempotent. */
  close(): Promise<void>;
}

export function peerText(p: PeerAddress | null): string | null {
  if (!p) return null;
  return p.address.includes(':') ? `[${p.address}]:${p.port}` : `${p.address}:${p.port}`;
}
