// Turns one access unit as the encoder framed it (Annex-B start codes, or
// AVCC length prefixes from FLV) into our canonical form, written straight
// into the GOP arena: 4-byte start codes, AUDs dropped (RTP has its own
// framing), and SPS + PPS in front of every IDR, taken from the stream or from
// the container's decoder configuration when the encoder sent them only once.

import type { AccessUnit } from './access-unit.js';
import type { GopCache } from './gop-cache.js';
import { findStartCode, nalType, NalType, trimTrailingZeros } from './nal.js';

/** Frame data the caller associates with the access unit. */
export interface AuMeta {
  frameId: number;
  captureMs: number;
  readyMs: number;
}

export interface AuWriterStats {
  units: number;
  keyframes: number;
  bytes: number;
  /** Access units dropped: more than MAX_NALS NAL units, or larger than the GOP arena. */
  dropped: number;
  /** IDRs that arrived without SPS/PPS and had none to borrow (undecodable until the next). */
  missingParameterSets: number;
}

/** x264 puts ~1 NAL per slice plus SPS/PPS/SEI; 256 is far beyond any encoder's slices per picture. */
const MAX_NALS = 256;
const START_CODE = Buffer.from([0, 0, 0, 1]);
/** Write order: SPS, then PPS, then the rest. */
const PASSES = [0, 1, 2] as const;

export class AuWriter {
  readonly #cache: GopCache;
  /** NAL unit [start, end) pairs of the access unit being written; preallocated. */
  readonly #nals = new Int32Array(MAX_NALS * 2);
  #count = 0;
  #hasIdr = false;
  #hasSps = false;
  #hasPps = false;
  /** Newest parameter sets seen, copied (they change only with the stream's format). */
  #sps: Buffer | null = null;
  #pps: Buffer | null = null;
  #seq = 0;
  #stats: AuWriterStats = { units: 0, keyframes: 0, bytes: 0, dropped: 0, missingParameterSets: 0 };

  constructor(cache: GopCache) {
    this.#cache = cache;
  }

  /** Parameter sets from a container's decoder configuration (FLV's AVC sequence header). */
  setParameterSets(sps: Buffer, pps: Buffer): void {
    this.#keepSps(sps, 0, sps.length);
    this.#keepPps(pps, 0, pps.length);
  }

  /** Continues the output sequence numbering after an encoder restart. */
  get nextSeq(): number {
    return this.#seq;
  }

  /** An access unit in Annex-B form (3- or 4-byte start codes) in buf[start, end). */
  writeAnnexB(buf: Buffer, start: number, end: number, meta: AuMeta): AccessUnit | null {
    this.#begin();
    let p = findStartCode(buf, start, end);
    while (p >= 0) {
      const nalStart = p + 3;
      const next = findStartCode(buf, nalStart, end);
      const nalEnd = next < 0 ? trimTrailingZeros(buf, nalStart, end) : trimTrailingZeros(buf, nalStart, next);
      if (!this.#add(buf, nalStart, nalEnd)) return this.#overflow();
      p = next;
    }
    return this.#finish(buf, meta);
  }

  /** An access unit as big-endian length-prefixed NAL units (AVCC, as FLV carries them). */
  writeAvcc(buf: Buffer, start: number, end: number, lengthSize: number, meta: AuMeta): AccessUnit | null {
    this.#begin();
    let p = start;
    while (p + lengthSize <= end) {
      let len = 0;
      for (let k = 0; k < lengthSize; k++) len = len * 256 + buf[p + k];
      const nalStart = p + lengthSize;
      const nalEnd = nalStart + len;
      if (nalEnd > end) break; // a truncated NAL: keep what is whole
      if (!this.#add(buf, nalStart, nalEnd)) return this.#overflow();
      p = nalEnd;
    }
    return this.#finish(buf, meta);
  }

  #begin(): void {
    this.#count = 0;
    this.#hasIdr = this.#hasSps = this.#hasPps = false;
  }

  #add(buf: Buffer, s: number, e: number): boolean {
    if (e <= s) return true;
    const type = nalType(buf[s]);
    if (type === NalType.AUD) return true;
    if (this.#count === MAX_NALS) return false;
    if (type === NalType.IDR) this.#hasIdr = true;
    else if (type === NalType.SPS) { this.#hasSps = true; this.#keepSps(buf, s, e); }
    else if (type === NalType.PPS) { this.#hasPps = true; this.#keepPps(buf, s, e); }
    this.#nals[this.#count * 2] = s;
    this.#nals[this.#count * 2 + 1] = e;
    this.#count++;
    return true;
  }

  #overflow(): null {
    this.#stats.dropped++;
    return null;
  }

  #finish(buf: Buffer, meta: AuMeta): AccessUnit | null {
    if (this.#count === 0) return null;
    const addSps = this.#hasIdr && !this.#hasSps && this.#sps !== null;
    const addPps = this.#hasIdr && !this.#hasPps && this.#pps !== null;
    if (this.#hasIdr && (!(this.#hasSps || addSps) || !(this.#hasPps || addPps))) this.#stats.missingParameterSets++;
    let bytes = 0;
    for (let i = 0; i < this.#count; i++) bytes += 4 + this.#nals[i * 2 + 1] - this.#nals[i * 2];
    if (addSps) bytes += 4 + this.#sps!.length;
    if (addPps) bytes += 4 + this.#pps!.length;
    const out = this.#cache.reserve(bytes, this.#hasIdr);
    if (!out) return this.#overflow();
    // Parameter sets first (ours or the stream's: FLV may put an SEI ahead of
    // them), then every other NAL in stream order.
    let w = 0;
    if (addSps) w = put(out, w, this.#sps!, 0, this.#sps!.length);
    if (addPps) w = put(out, w, this.#pps!, 0, this.#pps!.length);
    for (const pass of PASSES) {
      for (let i = 0; i < this.#count; i++) {
        const s = this.#nals[i * 2];
        const type = nalType(buf[s]);
        if (pass === 0 ? type === NalType.SPS : pass === 1 ? type === NalType.PPS : type !== NalType.SPS && type !== NalType.PPS) {
          w = put(out, w, buf, s, this.#nals[i * 2 + 1]);
        }
      }
    }
    // One small record and the arena view per access unit (30 a second): a
    // pool would let a slow reader see a recycled record; not worth it.
    const au: AccessUnit = {
      data: out, keyframe: this.#hasIdr, frameId: meta.frameId, captureMs: meta.captureMs,
      seq: this.#seq++, readyMs: meta.readyMs,
    };
    this.#cache.commit(au);
    this.#stats.units++;
    this.#stats.bytes += bytes;
    if (au.keyframe) this.#stats.keyframes++;
    return au;
  }

  #keepSps(buf: Buffer, s: number, e: number): void {
    if (!sameBytes(this.#sps, buf, s, e)) this.#sps = Buffer.from(buf.subarray(s, e)) // a copy: buf is reused;
  }

  #keepPps(buf: Buffer, s: number, e: number): void {
    if (!sameBytes(this.#pps, buf, s, e)) this.#pps = Buffer.from(buf.subarray(s, e)) // a copy: buf is reused;
  }

  stats(): AuWriterStats {
    return { ...this.#stats };
  }
}

function put(out: Buffer, w: number, src: Buffer, s: number, e: number): number {
  START_CODE.copy(out, w);
  src.copy(out, w + 4, s, e); // copy(), not set(subarray()): no view per NAL
  return w + 4 + e - s;
}

function sameBytes(a: Buffer | null, buf: Buffer, s: number, e: number): boolean {
  if (!a || a.length !== e - s) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== buf[s + i]) return false;
  return true;
}
