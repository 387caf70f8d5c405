// A fixed pool of packet-sized slots for datagrams in flight. The kernel
// takes a UDP datagram at once unless the socket's buffer is full; then
// libuv queues the send and still points at our bytes, so a slot is only
// reused after its send callback. Sends complete in order, so the slots are
// a ring. When the ring is full the caller drops the access unit: the
// memory a slow or dead path can hold is this slab, never more.

import type { PacketSink } from './rtp-packetizer.js';

export class PacketSlab implements PacketSink {
  readonly buf: Buffer;
  readonly slotBytes: number;
  readonly slots: number;
  /** Length of each slot's packet, for byte counts when its send completes. */
  readonly #lengths: Uint16Array;
  /** Next slot to write. */
  #head = 0;
  /** Slots written and not yet released (sent or failed). */
  #inFlight = 0;
  /** Slots handed out by reserve() and not yet committed. */
  #reserved = 0;

  constructor(slots: number, slotBytes: number) {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError('slots must be a positive integer');
    if (!Number.isInteger(slotBytes) || slotBytes < 16 || slotBytes > 65535) throw new RangeError('slotBytes must be 16..65535');
    this.slots = slots;
    this.slotBytes = slotBytes;
    this.buf = Buffer.alloc(slots * slotBytes);
    this.#lengths = new Uint16Array(slots);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get free(): number {
    return this.slots - this.#inFlight - this.#reserved;
  }

  /** Claims `n` slots for one access unit; false (nothing claimed) when fewer are free. */
  reserve(n: number): boolean {
    if (n > this.free) return false;
    this.#reserved += n;
    return true;
  }

  /** Offset of the next slot to fill (call at most as many times as reserved). */
  nextSlot(): number {
    return this.#head * this.slotBytes;
  }

  /** The slot at nextSlot() holds a `length`-byte packet: it is now in flight. */
  commit(length: number): void {
    this.#lengths[this.#head] = length;
    this.#head = (this.#head + 1) % this.slots;
    this.#reserved--;
    this.#inFlight++;
  }

  /** The oldest packet in flight finished; returns its length. */
  release(): number {
    // In-flight slots are the ones just behind head (reserved ones are at and after it).
    const tail = (this.#head - this.#inFlight + this.slots) % this.slots;
    this.#inFlight--;
    return this.#lengths[tail];
  }
}
