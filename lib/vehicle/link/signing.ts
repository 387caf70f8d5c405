// MAVLink 2 message signing (mavlink.io "Message signing"): key = SHA-256 of
// a passphrase; each signed packet carries a link id, a 48-bit timestamp in
// 10 µs units since 2015-01-01 and the first 6 bytes of
// SHA-256(key ‖ header ‖ payload ‖ crc ‖ link id ‖ timestamp).
//
// node-mavlink signs with Date.now() (ms), so two packets in one millisecond
// share a timestamp and the second is a replay to PX4/ArduPilot; it also
// accepts anything. Here: a clock that never repeats, and a verifier that
// rejects unsigned, wrongly signed and replayed packets.

import { createHash } from 'node:crypto';
import { MavLinkPacketSignature } from 'node-mavlink';

export const SIGNATURE_LENGTH = 13;
export const EPOCH_2015_MS = Date.UTC(2015, 0, 1);
/** A new stream may start at most this far (10 µs units: one minute) behind the newest timestamp seen. */
export const NEW_STREAM_WINDOW = 6_000_000;
/**
 * Streams (system, component, link id) remembered for replay checks. A link
 * carries a handful (autopilot, camera, gimbal, a GCS); 32 is ample, and an
 * evicted stream is still held to NEW_STREAM_WINDOW when it comes back.
 */
export const MAX_STREAMS = 32;

export type SignatureVerdict = 'ok' | 'unsigned' | 'bad_signature' | 'replay';

export function signingKey(passphrase: string): Buffer {
  return createHash('sha256').update(passphrase, 'utf8').digest();
}

/** Timestamps for outgoing packets: wall clock in 10 µs units, strictly increasing even within one tick. */
export class SigningClock {
  /** The previous timestamp handed out. */
  #last = 0;

  next(): number {
    const now = Math.floor((performance.timeOrigin + performance.now() - EPOCH_2015_MS) * 100);
    this.#last = now > this.#last ? now : this.#last + 1;
    return this.#last;
  }
}

/** Appends the signature block to a packet serialized with the signed flag set (the flag is covered by the CRC). */
export function signPacket(packet: Buffer, key: Buffer, linkId: number, timestamp: number): Buffer {
  const out = Buffer.alloc(packet.length + SIGNATURE_LENGTH);
  packet.copy(out);
  const sig = new MavLinkPacketSignature(out);
  sig.linkId = linkId;
  sig.timestamp = timestamp;
  sig.signature = sig.calculate(key);
  return out;
}

export class SignatureVerifier {
  /** The key every packet must be signed with. */
  readonly #key: Buffer;
  /** Last timestamp per stream key (sysid << 16 | compid << 8 | link id), in least-recently-used order. */
  readonly #streams = new Map<number, number>();
  /** Newest timestamp accepted on any stream. */
  #newest = 0;

  constructor(key: Buffer) {
    this.#key = key;
  }

  /** A decoded packet: MAVLink 1 cannot be signed. */
  verifyPacket(p: { bytes: Buffer; version: 1 | 2; signed: boolean; sysid: number; compid: number }): SignatureVerdict {
    return p.version === 2 ? this.verify(p.bytes, p.signed, p.sysid, p.compid) : 'unsigned';
  }

  /** `packet` is exactly one packet, signature included when `signed`. */
  verify(packet: Buffer, signed: boolean, sysid: number, compid: number): SignatureVerdict {
    if (!signed) return 'unsigned';
    const sig = new MavLinkPacketSignature(packet);
    if (!sig.matches(this.#key)) return 'bad_signature';
    const ts = sig.timestamp;
    const stream = (sysid << 16) | (compid << 8) | sig.linkId;
    const last = this.#streams.get(stream);
    if (last !== undefined ? ts <= last : ts + NEW_STREAM_WINDOW < this.#newest) return 'replay';
    this.#streams.delete(stream);
    this.#streams.set(stream, ts);
    if (this.#streams.size > MAX_STREAMS) this.#streams.delete(this.#streams.keys().next().value as number);
    if (ts > this.#newest) this.#newest = ts;
    return 'ok';
  }
}
