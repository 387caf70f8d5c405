// SRTP (RFC 3711) for the RTP hop to the media server: AES-128 counter mode
// and HMAC-SHA1 with an 80- or 32-bit tag, the two suites Janus's streaming
// plugin accepts (srtpsuite 80/32) and ffmpeg reads from an SDP a=crypto
// line. Session keys come from the master key and salt by the RFC's
// AES-CM PRF (key derivation rate 0: derived once). Packets are protected in
// place in their slab slot; node:crypto needs a cipher and an HMAC object per
// packet (its API has no way to re-key a CTR cipher), the only allocation
// left on this path.

import { createCipheriv, createHmac } from 'node:crypto';

export type SrtpSuite = 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';
export const SRTP_SUITES: readonly SrtpSuite[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'];

const MASTER_KEY_BYTES = 16;
const MASTER_SALT_BYTES = 14;
const AUTH_KEY_BYTES = 20;
/** RFC 3711 §4.3.1 labels for SRTP (RTCP uses 3..5). */
const LABEL_ENCRYPTION = 0;
const LABEL_AUTH = 1;
const LABEL_SALT = 2;

export interface SrtpSessionKeys {
  encryption: Buffer;
  auth: Buffer;
  salt: Buffer;
}

/** AES-CM PRF of RFC 3711 §4.3.3: `bytes` of keystream for one label (key derivation rate 0). */
function derive(masterKey: Buffer, masterSalt: Buffer, label: number, bytes: number): Buffer {
  // x = (label || r) XOR master_salt, label at byte 7 of the 14-byte salt (r = 0); IV = x * 2^16.
  const iv = Buffer.alloc(16);
  masterSalt.copy(iv, 0);
  iv[7] ^= label;
  const c = createCipheriv('aes-128-ctr', masterKey, iv);
  return Buffer.concat([c.update(Buffer.alloc(bytes)), c.final()]);
}

export function deriveSessionKeys(masterKey: Buffer, masterSalt: Buffer): SrtpSessionKeys {
  return {
    encryption: derive(masterKey, masterSalt, LABEL_ENCRYPTION, MASTER_KEY_BYTES),
    auth: derive(masterKey, masterSalt, LABEL_AUTH, AUTH_KEY_BYTES),
    salt: derive(masterKey, masterSalt, LABEL_SALT, MASTER_SALT_BYTES),
  };
}

/** Parses the inline key of an SDP a=crypto line / Janus srtpcrypto: base64 of the 16-byte key then the 14-byte salt. */
export function parseInlineKey(text: string): { key: Buffer; salt: Buffer } {
  const s = text.trim().replace(/^inline:/, '').split('|')[0];
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s)) throw new RangeError('SRTP key must be base64 (30 bytes: 16 key + 14 salt)');
  const raw = Buffer.from(s, 'base64');
  if (raw.length !== MASTER_KEY_BYTES + MASTER_SALT_BYTES) throw new RangeError(`SRTP key must decode to 30 bytes, got ${raw.length}`);
  return { key: raw.subarray(0, MASTER_KEY_BYTES), salt: raw.subarray(MASTER_KEY_BYTES) };
}

export class SrtpProtector {
  readonly tagBytes: number;
  readonly #keys: SrtpSessionKeys;
  /** Per-packet IV, reused. */
  readonly #iv = Buffer.alloc(16);
  readonly #rocBytes = Buffer.alloc(4);
  /** Rollover counter: how many times the 16-bit sequence number wrapped. */
  #roc = 0;
  #lastSeq = -1;

  constructor(suite: SrtpSuite, inlineKey: string) {
    if (!SRTP_SUITES.includes(suite)) throw new RangeError(`SRTP suite must be one of ${SRTP_SUITES.join(', ')}`);
    const { key, salt } = parseInlineKey(inlineKey);
    this.#keys = deriveSessionKeys(key, salt);
    this.tagBytes = suite === 'AES_CM_128_HMAC_SHA1_80' ? 10 : 4;
  }

  /** The rollover counter (for tests and stats). */
  get roc(): number {
    return this.#roc;
  }

  /**
   * Encrypts the payload of the RTP packet at buf[off, off+len) in place and
   * appends the authentication tag; returns the SRTP packet's length. The
   * caller leaves `tagBytes` free after the packet.
   */
  protect(buf: Buffer, off: number, len: number): number {
    const seq = buf.readUInt16BE(off + 2);
    if (this.#lastSeq >= 0 && seq < this.#lastSeq && this.#lastSeq - seq > 0x8000) this.#roc = (this.#roc + 1) >>> 0;
    this.#lastSeq = seq;
    const headerBytes = 12 + 4 * (buf[off] & 0x0f) + ((buf[off] & 0x10) !== 0 ? 4 + 4 * buf.readUInt16BE(off + 12 + 4 * (buf[off] & 0x0f) + 2) : 0);
    // IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16), index = ROC * 2^16 + SEQ (RFC 3711 §4.1.1).
    const iv = this.#iv;
    iv.fill(0);
    this.#keys.salt.copy(iv, 0);
    for (let i = 0; i < 4; i++) iv[4 + i] ^= buf[off + 8 + i];
    iv[8] ^= (this.#roc >>> 24) & 0xff;
    iv[9] ^= (this.#roc >>> 16) & 0xff;
    iv[10] ^= (this.#roc >>> 8) & 0xff;
    iv[11] ^= this.#roc & 0xff;
    iv[12] ^= seq >> 8;
    iv[13] ^= seq & 0xff;
    const cipher = createCipheriv('aes-128-ctr', this.#keys.encryption, iv);
    const payload = buf.subarray(off + headerBytes, off + len);
    // CTR output is as long as its input: written back over the payload.
    cipher.update(payload).copy(payload);
    // Authenticated: header + encrypted payload + ROC; the tag is the HMAC's first tagBytes.
    this.#rocBytes.writeUInt32BE(this.#roc);
    const tag = createHmac('sha1', this.#keys.auth).update(buf.subarray(off, off + len)).update(this.#rocBytes).digest();
    tag.copy(buf, off + len, 0, this.tagBytes);
    return len + this.tagBytes;
  }
}
