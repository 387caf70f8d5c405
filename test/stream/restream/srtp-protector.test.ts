import t from 'tap';
import { createCipheriv, createHmac } from 'node:crypto';
import { SrtpProtector, deriveSessionKeys, parseInlineKey } from '../../../lib/stream/restream/index.js';

t.test('session keys match RFC 3711 appendix B.3', async (t) => {
  const k = deriveSessionKeys(Buffer.from('E1F97A0D3E018BE0D64FA32C06DE4139', 'hex'), Buffer.from('0EC675AD498AFEEBB6960B3AABE6', 'hex'));
  t.equal(k.encryption.toString('hex').toUpperCase(), 'C61E7A93744F39EE10734AFE3FF7A087');
  t.equal(k.salt.toString('hex').toUpperCase(), '30CBBC08863D8C85D49DB34A9AE1');
  t.equal(k.auth.toString('hex').toUpperCase(), 'CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4');
});

t.test('inline keys: base64 of 30 bytes, with or without "inline:" and lifetime', async (t) => {
  const raw = Buffer.alloc(30, 7);
  t.equal(parseInlineKey(`inline:${raw.toString('base64')}|2^31`).key.length, 16);
  t.equal(parseInlineKey(` ${raw.toString('base64')}\n`).salt.length, 14);
  t.throws(() => parseInlineKey(Buffer.alloc(29).toString('base64')), /30 bytes/);
  t.throws(() => parseInlineKey('not base64!'), /base64/);
  t.throws(() => new SrtpProtector('AES_256' as never, raw.toString('base64')), /suite/);
});

/** Unprotects as a receiver would, written from the RFC's formulas separately from the sender's code. */
function unprotect(pkt: Buffer, keyB64: string, tagBytes: number, roc: number): Buffer | null {
  const raw = Buffer.from(keyB64, 'base64');
  const keys = deriveSessionKeys(raw.subarray(0, 16), raw.subarray(16));
  const body = pkt.subarray(0, pkt.length - tagBytes);
  const tag = pkt.subarray(pkt.length - tagBytes);
  const rocBuf = Buffer.alloc(4);
  rocBuf.writeUInt32BE(roc);
  const want = createHmac('sha1', keys.auth).update(body).update(rocBuf).digest().subarray(0, tagBytes);
  if (!want.equals(tag)) return null;
  const index = BigInt(roc) * 65536n + BigInt(body.readUInt16BE(2));
  const ivNum = (BigInt('0x' + keys.salt.toString('hex')) << 16n) ^ (BigInt(body.readUInt32BE(8)) << 64n) ^ (index << 16n);
  const iv = Buffer.from(ivNum.toString(16).padStart(32, '0'), 'hex');
  const d = createCipheriv('aes-128-ctr', keys.encryption, iv);
  return Buffer.concat([body.subarray(0, 12), d.update(body.subarray(12)), d.final()]);
}

function rtp(seq: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(12 + payload.length + 10);
  b[0] = 0x80;
  b[1] = 96;
  b.writeUInt16BE(seq, 2);
  b.writeUInt32BE(123456, 4);
  b.writeUInt32BE(0xcafebabe, 8);
  payload.copy(b, 12);
  return b;
}

t.test('protect: payload encrypted, header clear, tag verifies, across the sequence-number wrap (ROC)', async (t) => {
  const key = Buffer.from(Array.from({ length: 30 }, (_, i) => i * 7)).toString('base64');
  for (const [suite, tagBytes] of [['AES_CM_128_HMAC_SHA1_80', 10], ['AES_CM_128_HMAC_SHA1_32', 4]] as const) {
    const p = new SrtpProtector(suite, key);
    t.equal(p.tagBytes, tagBytes);
    for (const seq of [65534, 65535, 0, 1]) {
      const payload = Buffer.from(`payload of packet ${seq} `.repeat(5));
      const pkt = rtp(seq, payload);
      const len = p.protect(pkt, 0, 12 + payload.length);
      t.equal(len, 12 + payload.length + tagBytes);
      const out = pkt.subarray(0, len);
      t.equal(out.readUInt16BE(2), seq, 'header stays clear');
      t.notOk(out.subarray(12, 12 + payload.length).equals(payload), 'payload is encrypted');
      const roc = seq < 2 ? 1 : 0;
      t.equal(p.roc, roc, `ROC ${roc} at seq ${seq}`);
      const plain = unprotect(Buffer.from(out), key, tagBytes, roc);
      t.ok(plain, `tag verifies at seq ${seq} (${suite})`);
      t.ok(plain?.subarray(12).equals(payload), 'decrypts to the payload');
      t.equal(unprotect(Buffer.from(out), key, tagBytes, roc + 1), null, 'a wrong ROC fails authentication');
    }
  }
});
