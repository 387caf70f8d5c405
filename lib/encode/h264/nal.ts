// H.264 NAL unit helpers shared by the Annex-B splitter, the FLV reader and
// the access-unit writer: start-code search, NAL types, and the one slice
// header field an access-unit boundary depends on (first_mb_in_slice).

/** nal_unit_type values we act on (H.264 table 7-1). */
export const NalType = {
  SLICE: 1,
  IDR: 5,
  SEI: 6,
  SPS: 7,
  PPS: 8,
  AUD: 9,
  END_OF_SEQUENCE: 10,
  END_OF_STREAM: 11,
  FILLER: 12,
} as const;

export function nalType(headerByte: number): number {
  return headerByte & 0x1f;
}

/** Slices of a coded picture (types 1-5); everything else is metadata. */
export function isVcl(type: number): boolean {
  return type >= 1 && type <= 5;
}

/**
 * NAL types that open a new access unit when they follow the picture's slices
 * (H.264 7.4.1.2.3): AUD, SPS, PPS, SEI and the reserved 14..18.
 */
export function opensAccessUnit(type: number): boolean {
  return type === NalType.AUD || type === NalType.SPS || type === NalType.PPS || type === NalType.SEI ||
    (type >= 14 && type <= 18);
}

/**
 * Index of the first byte of the next 3-byte start code prefix (00 00 01) in
 * buf[from, end), or -1. A 4-byte start code is found as its last three bytes;
 * the caller trims the zero in front (it is trailing_zero_8bits).
 */
export function findStartCode(buf: Uint8Array, from: number, end: number): number {
  // Step by 3 while the byte two ahead is not a 0 or 1: no prefix can cover
  // it. This skips most bytes of slice data without looking at each.
  let i = from;
  while (i + 2 < end) {
    const c = buf[i + 2];
    if (c > 1) { i += 3; continue; }
    if (c === 1 && buf[i] === 0 && buf[i + 1] === 0) return i;
    i++;
  }
  return -1;
}

/** End of a NAL whose next start code begins at `prefixAt`: trailing zero bytes belong to no NAL. */
export function trimTrailingZeros(buf: Uint8Array, start: number, prefixAt: number): number {
  let end = prefixAt;
  while (end > start && buf[end - 1] === 0) end--;
  return end;
}

export const NEED_MORE = -1;
export const INVALID = -2;

/**
 * first_mb_in_slice of a slice NAL starting at buf[start] (the header byte):
 * the first ue(v) of the slice header, read across emulation-prevention bytes.
 * Returns NEED_MORE when buf ends first (the caller waits for more bytes) and
 * INVALID when the field cannot be a macroblock address.
 */
export function firstMbInSlice(buf: Uint8Array, start: number, end: number): number {
  // ue(v): N leading zero bits, a one, then N bits. Read bit by bit over the
  // RBSP, skipping 0x03 after two zero bytes (7.4.1); no closure, no allocation.
  let pos = start + 1;
  let zeros = 0;
  let cur = 0;
  let bitsLeft = 0;
  let leading = -1;
  let value = 0;
  let remaining = 0;
  for (;;) {
    if (bitsLeft === 0) {
      if (pos >= end) return NEED_MORE;
      let b = buf[pos++];
      if (zeros >= 2 && b === 3) {
        zeros = 0;
        if (pos >= end) return NEED_MORE;
        b = buf[pos++];
      }
      zeros = b === 0 ? zeros + 1 : 0;
      cur = b;
      bitsLeft = 8;
    }
    bitsLeft--;
    const bit = (cur >> bitsLeft) & 1;
    if (leading < 0) {
      // Counting leading zeros; 32 of them cannot be a macroblock address.
      if (bit === 1) {
        leading = -leading - 1;
        if (leading === 0) return 0;
        remaining = leading;
      } else if (--leading < -32) {
        return INVALID;
      }
      continue;
    }
    value = value * 2 + bit;
    if (--remaining === 0) return value + 2 ** leading - 1;
  }
}
