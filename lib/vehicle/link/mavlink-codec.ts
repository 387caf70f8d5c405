// Framing of MAVLink packets on a byte buffer, with node-mavlink's CRC table
// (x25 with each message's CRC_EXTRA) and serializers. Decoding is
// synchronous and keeps, per packet, the sender address of its datagram:
// follow-the-sender and per-packet signature checks need both, which a
// stream pipeline (splitter → parser) would separate.
//
// Per packet node-mavlink allocates (serialize, payload padding); at tens of
// packets a second this is negligible, and the hot video path never runs here.

import { MavLinkProtocolV2, MSG_ID_MAGIC_NUMBER, x25crc, type MavLinkData } from 'node-mavlink';
import { SIGNATURE_LENGTH, signPacket, SigningClock } from './signing.js';

export const STX_V1 = 0xfe;
export const STX_V2 = 0xfd;
const V1_HEADER = 6;
const V2_HEADER = 10;
const CRC_LENGTH = 2;
const IFLAG_SIGNED = 0x01;
/** Largest MAVLink 2 packet (header, 255-byte payload, CRC, signature): the stream decoder keeps at most twice this. */
export const MAX_PACKET = V2_HEADER + 255 + CRC_LENGTH + SIGNATURE_LENGTH;

export interface RawPacket {
  /** The whole packet (a view into the received buffer; copy to keep). */
  bytes: Buffer;
  /** The payload (a view; MAVLink 2 payloads are truncated of trailing zeros). */
  payload: Buffer;
  version: 1 | 2;
  msgid: number;
  sysid: number;
  compid: number;
  seq: number;
  signed: boolean;
}

export interface DecodeCounters {
  packets: number;
  crc_errors: number;
  /** Message ids absent from node-mavlink's tables (cannot be CRC-checked). */
  unknown_msgid: number;
  /** Bytes skipped looking for a start byte. */
  junk_bytes: number;
}

export class MavlinkDecoder {
  readonly counters: DecodeCounters = { packets: 0, crc_errors: 0, unknown_msgid: 0, junk_bytes: 0 };
  /** Serial: an incomplete packet carried to the next chunk (at most 2 × MAX_PACKET). */
  #rest: Buffer | null = null;
  /** Streams carry partial packets over; datagrams never do. */
  readonly #stream: boolean;

  constructor(stream: boolean) {
    this.#stream = stream;
  }

  push(data: Buffer, onPacket: (p: RawPacket) => void): void {
    let buf = data;
    if (this.#stream && this.#rest) {
      buf = Buffer.concat([this.#rest, data]);
      this.#rest = null;
    }
    let i = 0;
    while (i < buf.length) {
      const stx = buf[i];
      if (stx !== STX_V1 && stx !== STX_V2) { i++; this.counters.junk_bytes++; continue; }
      const v2 = stx === STX_V2;
      const header = v2 ? V2_HEADER : V1_HEADER;
      if (buf.length - i < header) break;
      const len = buf[i + 1];
      const signed = v2 && (buf[i + 2] & IFLAG_SIGNED) !== 0;
      const total = header + len + CRC_LENGTH + (signed ? SIGNATURE_LENGTH : 0);
      if (buf.length - i < total) break;
      const bytes = buf.subarray(i, i + total);
      const msgid = v2 ? bytes.readUIntLE(7, 3) : bytes[5];
      const magic = (MSG_ID_MAGIC_NUMBER as Record<number, number | undefined>)[msgid];
      if (magic === undefined) {
        this.counters.unknown_msgid++;
        i += total;
        continue;
      }
      const crc = bytes.readUInt16LE(header + len);
      if (x25crc(bytes, 1, CRC_LENGTH + (signed ? SIGNATURE_LENGTH : 0), magic) !== crc) {
        // Not a packet after all (or damaged): resynchronise one byte later.
        this.counters.crc_errors++;
        i++;
        continue;
      }
      this.counters.packets++;
      onPacket({
        bytes,
        payload: bytes.subarray(header, header + len),
        version: v2 ? 2 : 1,
        msgid,
        sysid: v2 ? bytes[5] : bytes[3],
        compid: v2 ? bytes[6] : bytes[4],
        seq: v2 ? bytes[4] : bytes[2],
        signed,
      });
      i += total;
    }
    if (this.#stream && i < buf.length) {
      const rest = buf.subarray(Math.max(i, buf.length - 2 * MAX_PACKET));
      this.#rest = Buffer.from(rest);
    }
  }
}

/** Payload → message object (node-mavlink pads truncated MAVLink 2 payloads). */
const decoderProtocol = new MavLinkProtocolV2();
export function decodeMessage<T extends MavLinkData>(p: RawPacket, clazz: { new (): T; MSG_ID: number }): T {
  return decoderProtocol.data(p.payload, clazz as never) as T;
}

export interface SigningSetup {
  key: Buffer;
  linkId: number;
}

/** Serializes (and signs) outgoing messages with our system/component id and a wrapping sequence number. */
export class MavlinkEncoder {
  /** Unsigned and signed serializers (the signed flag is part of the CRC'd header). */
  readonly #plain: MavLinkProtocolV2;
  readonly #signedProto: MavLinkProtocolV2;
  /** Key and link id when signing; null = unsigned. */
  readonly #signing: SigningSetup | null;
  /** Strictly increasing signature timestamps. */
  readonly #clock = new SigningClock();
  /** Sequence number of the next packet (wraps at 256). */
  #seq = 0;

  constructor(sysid: number, compid: number, signing: SigningSetup | null) {
    this.#plain = new MavLinkProtocolV2(sysid, compid);
    this.#signedProto = new MavLinkProtocolV2(sysid, compid, IFLAG_SIGNED);
    this.#signing = signing;
  }

  get signing(): boolean {
    return this.#signing !== null;
  }

  encode(msg: MavLinkData): Buffer {
    const seq = this.#seq;
    this.#seq = (seq + 1) & 0xff;
    const s = this.#signing;
    if (!s) return this.#plain.serialize(msg, seq);
    return signPacket(this.#signedProto.serialize(msg, seq), s.key, s.linkId, this.#clock.next());
  }
}
