// Reads the RTCP a receiver sends back on a video track (libdatachannel
// answers NACKs itself and passes every RTCP packet on to us): PLI and FIR
// (the receiver needs a keyframe), NACKs (counted), receiver reports (round
// trip time from LSR/DLSR, RFC 3550 6.4.1) and REMB (its bandwidth estimate).

export interface RtcpSummary {
  /** RTP packets asked for again. */
  nacks: number;
  plis: number;
  firs: number;
  /** Round trip from the newest receiver report, ms; NaN when none. */
  rttMs: number;
  /** Fraction lost (0..1) in the newest receiver report; NaN when none. */
  fractionLost: number;
  /** REMB estimate, bit/s; NaN when none. */
  rembBps: number;
}

const PT_SR = 200;
const PT_RR = 201;
const PT_RTPFB = 205;
const PT_PSFB = 206;
const NTP_EPOCH_OFFSET_S = 2208988800;

/** Fresh counters for parseRtcp() to fill. */
export function emptySummary(): RtcpSummary {
  return { nacks: 0, plis: 0, firs: 0, rttMs: NaN, fractionLost: NaN, rembBps: NaN };
}

/**
 * Parses one compound RTCP packet into `out` (zeroed first; no allocation).
 * Returns false when the bytes are not RTCP (the caller ignores them).
 */
export function parseRtcp(buf: Uint8Array, out: RtcpSummary, nowEpochMs = Date.now()): boolean {
  out.nacks = out.plis = out.firs = 0;
  out.rttMs = out.fractionLost = out.rembBps = NaN;
  let p = 0;
  let ok = false;
  while (p + 4 <= buf.length) {
    const v = buf[p] >> 6;
    const count = buf[p] & 0x1f;
    const pt = buf[p + 1];
    const len = (((buf[p + 2] << 8) | buf[p + 3]) + 1) * 4;
    if (v !== 2 || pt < 192 || pt > 223 || p + len > buf.length) break;
    ok = true;
    const end = p + len;
    if (pt === PT_RR || pt === PT_SR) {
      // Report blocks follow the sender's SSRC (and for SR its 20-byte sender info).
      const first = p + 8 + (pt === PT_SR ? 20 : 0);
      if (count > 0 && first + 24 <= end) {
        out.fractionLost = buf[first + 4] / 256;
        const lsr = readU32(buf, first + 16);
        const dlsr = readU32(buf, first + 20);
        if (lsr !== 0) {
          const nowMid = Math.floor((nowEpochMs / 1000 + NTP_EPOCH_OFFSET_S) * 65536) % 0x100000000;
          const rtt = (nowMid - lsr - dlsr + 0x200000000) % 0x100000000;
          // An RTT over a minute is a clock or report error, not a network.
          if (rtt < 60 * 65536) out.rttMs = (rtt / 65536) * 1000;
        }
      }
    } else if (pt === PT_RTPFB && count === 1) {
      // Generic NACK: (PID, BLP) pairs after the two SSRCs; each asks for PID
      // and for every set bit of BLP.
      for (let q = p + 12; q + 4 <= end; q += 4) out.nacks += 1 + popcount16((buf[q + 2] << 8) | buf[q + 3]);
    } else if (pt === PT_PSFB) {
      if (count === 1) out.plis++;
      else if (count === 4) out.firs++;
      else if (count === 15 && p + 20 <= end && buf[p + 12] === 0x52 && buf[p + 13] === 0x45) {
        // REMB ("REMB", num SSRC, 6-bit exponent, 18-bit mantissa).
        const exp = buf[p + 17] >> 2;
        const mantissa = ((buf[p + 17] & 3) << 16) | (buf[p + 18] << 8) | buf[p + 19];
        out.rembBps = mantissa * 2 ** exp;
      }
    }
    p = end;
  }
  return ok;
}

function readU32(b: Uint8Array, i: number): number {
  return ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
}

function popcount16(x: number): number {
  let n = 0;
  for (let v = x; v; v &= v - 1) n++;
  return n;
}
