// A stand-in autopilot for link tests: a real UDP socket that sends MAVLink
// packets (signed or not) to the link under test and records what comes back.

import dgram from 'node:dgram';
import type { MavLinkData } from 'node-mavlink';
import { MavlinkDecoder, MavlinkEncoder, type RawPacket } from '../../../lib/vehicle/link/mavlink-codec.js';
import { signingKey } from '../../../lib/vehicle/link/signing.js';

export class FakeAutopilot {
  readonly socket = dgram.createSocket('udp4');
  /** Every packet received (dgram hands each datagram its own buffer, so the views stay valid). */
  readonly received: { at: number; packet: RawPacket; bytes: Buffer }[] = [];
  readonly #decoder = new MavlinkDecoder(false);
  readonly encoder: MavlinkEncoder;

  constructor(sysid = 1, compid = 1, passphrase = '') {
    this.encoder = new MavlinkEncoder(sysid, compid, passphrase ? { key: signingKey(passphrase), linkId: 0 } : null);
    this.socket.on('message', (msg) => this.#decoder.push(msg, (p) => this.received.push({ at: performance.now(), packet: p, bytes: p.bytes })));
  }

  async bind(): Promise<number> {
    await new Promise<void>((r) => this.socket.bind(0, '127.0.0.1', () => r()));
    return this.socket.address().port;
  }

  encode(msg: MavLinkData): Buffer {
    return this.encoder.encode(msg);
  }

  sendRaw(buf: Buffer, port: number): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(buf, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  }

  send(msg: MavLinkData, port: number): Promise<void> {
    return this.sendRaw(this.encode(msg), port);
  }

  close(): Promise<void> {
    return new Promise((r) => this.socket.close(() => r()));
  }
}
