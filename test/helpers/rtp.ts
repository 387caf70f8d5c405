// An independent RTP/H.264 receiver for the restream tests: parses RTP
// headers (RFC 3550) and reassembles RFC 6184 payloads (single NAL units and
// FU-A) back into Annex-B access units, one per marker bit.

import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { nalTypes } from './h264-streams.js';

export { nalTypes as nalTypesOf };

export interface RtpPacket {
  version: number;
  marker: boolean;
  payloadType: number;
  seq: number;
  timestamp: number;
  ssrc: number;
  payload: Buffer;
  size: number;
}

export function parseRtp(buf: Buffer): RtpPacket {
  if (buf.length < 12) throw new Error(`RTP packet of ${buf.length} bytes`);
  const cc = buf[0] & 0x0f;
  const ext = (buf[0] & 0x10) !== 0;
  let off = 12 + 4 * cc;
  if (ext) off += 4 + 4 * buf.readUInt16BE(off + 2);
  return {
    version: buf[0] >> 6, marker: (buf[1] & 0x80) !== 0, payloadType: buf[1] & 0x7f, seq: buf.readUInt16BE(2),
    timestamp: buf.readUInt32BE(4), ssrc: buf.readUInt32BE(8), payload: buf.subarray(off), size: buf.length,
  };
}

const START = Buffer.from([0, 0, 0, 1]);

/** Reassembles access units; throws on a malformed FU-A sequence. */
export class H264Depacketizer {
  readonly units: { data: Buffer; timestamp: number; keyframe: boolean }[] = [];
  #parts: Buffer[] = [];
  #fu: Buffer[] | null = null;
  #lastSeq = -1;
  lost = 0;

  push(p: RtpPacket): void {
    if (this.#lastSeq >= 0 && p.seq !== ((this.#lastSeq + 1) & 0xffff)) this.lost++;
    this.#lastSeq = p.seq;
    const type = p.payload[0] & 0x1f;
    if (type >= 1 && type <= 23) {
      this.#parts.push(START, Buffer.from(p.payload));
    } else if (type === 28) {
      const fuHeader = p.payload[1];
      const startBit = (fuHeader & 0x80) !== 0;
      const endBit = (fuHeader & 0x40) !== 0;
      if (startBit) {
        if (this.#fu) throw new Error('FU-A start inside an unfinished FU-A');
        this.#fu = [Buffer.from([(p.payload[0] & 0xe0) | (fuHeader & 0x1f)])];
      }
      if (!this.#fu) throw new Error('FU-A continuation without a start');
      this.#fu.push(Buffer.from(p.payload.subarray(2)));
      if (endBit) {
        this.#parts.push(START, Buffer.concat(this.#fu));
        this.#fu = null;
      }
    } else {
      throw new Error(`unexpected RTP H.264 payload type ${type}`);
    }
    if (p.marker) {
      if (this.#fu) throw new Error('marker inside an unfinished FU-A');
      const data = Buffer.concat(this.#parts);
      this.#parts = [];
      this.units.push({ data, timestamp: p.timestamp, keyframe: nalTypes(data).includes(5) });
    }
  }
}


/** A UDP socket on 127.0.0.1 that keeps every RTP packet it receives (bounded). */
export class RtpReceiver {
  readonly packets: RtpPacket[] = [];
  readonly socket = dgram.createSocket('udp4');
  readonly depacketizer = new H264Depacketizer();
  readonly #max: number;

  private constructor(max: number) {
    this.#max = max;
    this.socket.on('message', (msg) => {
      if (this.packets.length >= this.#max) return;
      const p = parseRtp(msg);
      this.packets.push(p);
      this.depacketizer.push(p);
    });
  }

  static async open(port = 0, max = 100000): Promise<RtpReceiver> {
    const r = new RtpReceiver(max);
    await new Promise<void>((resolve) => r.socket.bind(port, '127.0.0.1', resolve));
    return r;
  }

  get port(): number {
    return (this.socket.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
