import { PART_SUFFIX, type EncodedRing } from './encoded-ring.js';
import type { OsdState } from './osd/osd-state.js';

/**
 * One JPEG at one quality, as every client of that quality receives it.
 * Built once per frame per quality; clients only hold a reference.
 */
export interface EncodedFrame {
  /** Frame id: the capture sequence number. */
  id: number;
  quality: number;
  /** Capture time, epoch ms (sub-ms precision). */
  captureMs: number;
  /** Epoch ms when the encode finished (or the identical frame was reused). */
  readyMs: number;
  hash: bigint;
  slot: number;
  length: number;
  /** The whole multipart part: header, JPEG, CRLF. A view into the ring. */
  part: Uint8Array;
  /** The JPEG alone. A view into the ring. */
  jpeg: Uint8Array;
  /**
   * The WebSocket meta message that precedes the binary JPEG: timestamp,
   * frame_id, quality, size, and the tracker's `box` ([x, y, w, h] px,
   * rounded; null when no box) and `target_state` (null when no tracker
   * state is known) as they were when the frame was taken, so a browser can
   * draw its own overlay.
   */
  wsMeta: string;
  /** X-Timestamp value: capture time in epoch seconds with µs precision. */
  timestamp: string;
}

const CRLF0 = 13;
const CRLF1 = 10;

/**
 * Writes the part header right-aligned before the JPEG and CRLF after it,
 * and returns the frame record. Header bytes are ASCII, written directly:
 * no intermediate Buffer.
 */
export function publishFrame(
  ring: EncodedRing, slot: number, length: number, id: number, quality: number,
  captureMs: number, readyMs: number, hash: bigint, osd: OsdState | null = null,
): EncodedFrame {
  const timestamp = (captureMs / 1000).toFixed(6);
  const header =
    `--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ${length}\r\n` +
    `X-Timestamp: ${timestamp}\r\nX-Frame-Id: ${id}\r\n\r\n`;
  const jpegStart = ring.jpegOffset(slot);
  const start = jpegStart - header.length;
  const bytes = ring.bytes;
  for (let i = 0; i < header.length; i++) bytes[start + i] = header.charCodeAt(i);
  bytes[jpegStart + length] = CRLF0;
  bytes[jpegStart + length + 1] = CRLF1;
  const wsMeta = `{"type":"frame","timestamp":${timestamp},"frame_id":${id},"quality":${quality},"size":${length},${trackMeta(osd)}}`;
  return {
    id, quality, captureMs, readyMs, hash, slot, length, timestamp, wsMeta,
    part: new Uint8Array(ring.sab, start, header.length + length + PART_SUFFIX),
    jpeg: new Uint8Array(ring.sab, jpegStart, length),
  };
}


/** The meta's tracker fields; a box is shown only while the tracker has one (not inactive). */
function trackMeta(osd: OsdState | null): string {
  const t = osd?.track;
  if (!osd) return '"box":null,"target_state":null';
  if (!t) return '"box":null,"target_state":"inactive"';
  const b = t.target_state !== 'inactive' ? t.bbox : null;
  const box = b ? `[${Math.round(b[0])},${Math.round(b[1])},${Math.round(b[2])},${Math.round(b[3])}]` : 'null';
  return `"box":${box},"target_state":${JSON.stringify(t.target_state)}`;
}
