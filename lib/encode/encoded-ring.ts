// Encoded JPEGs live in one SharedArrayBuffer of fixed slots. A worker
// encodes into a slot the main thread lent it; the main thread writes the
// multipart part header right-aligned in front of the JPEG and "\r\n" after
// it, so an MJPEG client gets a whole part with one write of one view, and
// a WebSocket client gets the JPEG view alone. No frame byte is copied per
// client and no buffer is allocated per frame per client.

/** Room before the JPEG for the multipart part header. */
export const PART_PREFIX = 192;
/** Room after the JPEG for the part's trailing CRLF. */
export const PART_SUFFIX = 2;

export interface EncodedRingLayout {
  slots: number;
  /** Largest JPEG a slot holds. */
  capacity: number;
}

export class EncodedRing {
  readonly sab: SharedArrayBuffer;
  readonly slots: number;
  readonly capacity: number;
  readonly stride: number;
  readonly bytes: Uint8Array;

  constructor(layout: EncodedRingLayout, sab?: SharedArrayBuffer) {
    this.slots = layout.slots;
    this.capacity = layout.capacity;
    this.stride = PART_PREFIX + layout.capacity + PART_SUFFIX;
    this.sab = sab ?? new SharedArrayBuffer(this.stride * layout.slots);
    this.bytes = new Uint8Array(this.sab);
  }

  /** Byte offset where slot `slot`'s JPEG starts. */
  jpegOffset(slot: number): number {
    return slot * this.stride + PART_PREFIX;
  }
}

/** Capacity for frames of a size: half the RGB size covers q100 on noisy scenes. */
export function jpegCapacity(width: number, height: number): number {
  return Math.max(64 * 1024, Math.ceil((width * height * 3) / 2));
}
