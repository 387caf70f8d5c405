// Open things (sockets, sessions) per remote address, for per-address caps.
// An entry lives only while its count is above zero, so the map is bounded
// by what is open, which the caller's total cap bounds in turn.

export class AddressCounter {
  readonly #counts = new Map<string, number>();
  #total = 0;

  get total(): number {
    return this.#total;
  }

  count(address: string): number {
    return this.#counts.get(address) ?? 0;
  }

  add(address: string): void {
    this.#counts.set(address, this.count(address) + 1);
    this.#total++;
  }

  /** Idempotent per add(): call once for each add. */
  remove(address: string): void {
    const n = this.count(address);
    if (n <= 0) return;
    this.#total--;
    if (n > 1) this.#counts.set(address, n - 1);
    else this.#counts.delete(address);
  }
}
