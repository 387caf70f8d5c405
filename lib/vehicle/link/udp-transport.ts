// MAVLink over UDP. udpin binds a port and replies to whoever the link
// decides to follow (the sender of the autopilot's HEARTBEAT, as PX4 SITL's
// offboard convention wants); udpout sends to a fixed address through a
// connected socket, so that the OS reports an unreachable peer (ICMP port
// unreachable): a send fails when the previous datagram could not be delivered.

import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { PeerAddress, Transport } from './transport.js';

/** Errors that mean the peer cannot be reached (reported asynchronously on connected sockets). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']);

export class UdpTransport implements Transport {
  readonly description: string;
  readonly datagrams = true;
  /** in = listen and follow the sender; out = fixed peer. */
  readonly #mode: 'in' | 'out';
  /** udpin: where to bind; udpout: the peer. */
  readonly #host: string;
  readonly #port: number;
  /** The socket; null before open(). */
  #socket: dgram.Socket | null = null;
  /** The port bound, while bound. */
  #boundPort: number | null = null;
  /** Where send() goes (udpin: the followed sender). */
  #peer: PeerAddress | null = null;
  /** udpout: the peer was reported unreachable since the previous send. */
  #refused: Error | null = null;
  /** Set by close() (idempotent). */
  #closed: Promise<void> | null = null;

  constructor(mode: 'in' | 'out', host: string, port: number) {
    this.#mode = mode;
    this.#host = host;
    this.#port = port;
    this.description = `udp${mode} ${host}:${port}`;
    if (mode === 'out') this.#peer = { address: host, port };
  }

  get peer(): PeerAddress | null {
    return this.#peer;
  }

  /** Read from a copy taken at bind: address() throws on a socket that failed to bind or is closed, and /status asks at any time. */
  get localPort(): number | null {
    return this.#boundPort;
  }

  async open(onData: (data: Buffer, from: PeerAddress | null) => void, onError: (err: Error) => void): Promise<void> {
    const socket = dgram.createSocket({ type: isIPv6(this.#host) ? 'udp6' : 'udp4', reuseAddr: false });
    this.#socket = socket;
    socket.on('message', (msg, rinfo) => onData(msg, { address: rinfo.address, port: rinfo.port }));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // On a connected socket the OS reports an unreachable peer (ICMP) as an
      // error event after the send returned; the next send() fails with it.
      if (this.#mode === 'out' && UNREACHABLE.has(err.code ?? '')) this.#refused = err;
      else onError(err);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      const bindHost = this.#mode === 'in' ? this.#host : undefined;
      socket.bind(this.#mode === 'in' ? this.#port : 0, bindHost, () => {
        socket.off('error', reject);
        this.#boundPort = socket.address().port;
        resolve();
      });
    });
    if (this.#mode === 'out') {
      await new Promise<void>((resolve, reject) => socket.connect(this.#port, this.#host, (err?: Error) => (err ? reject(err) : resolve())));
    }
  }

  send(data: Buffer): Promise<void> {
    const socket = this.#socket;
    const peer = this.#peer;
    if (!socket || this.#closed) return Promise.reject(new Error('link closed'));
    if (!peer) return Promise.reject(new Error('no peer yet: no HEARTBEAT received from the autopilot'));
    return new Promise((resolve, reject) => {
      const done = (err: Error | null) => {
        const refused = this.#refused;
        this.#refused = null;
        if (err ?? refused) reject(err ?? refused);
        else resolve();
      };
      if (this.#mode === 'out') socket.send(data, done);
      else socket.send(data, peer.port, peer.address, done);
    });
  }

  setPeer(peer: PeerAddress): void {
    if (this.#mode === 'in') this.#peer = peer;
  }

  close(): Promise<void> {
    this.#boundPort = null;
    this.#closed ??= new Promise((resolve) => {
      const s = this.#socket;
      if (!s) return resolve();
      s.close(() => resolve());
    });
    return this.#closed;
  }
}
