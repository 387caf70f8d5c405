// A fixed-size ring of samples for the charts: the memory is decided at
// construction (capacity × 8 bytes), old samples are overwritten.

export class Ring {
  readonly #v: Float64Array;
  #start = 0;
  length = 0;

  constructor(readonly capacity: number) {
    this.#v = new Float64Array(capacity);
  }

  push(x: number): void {
    if (this.length < this.capacity) {
      this.#v[(this.#start + this.length) % this.capacity] = x;
      this.length += 1;
    } else {
      this.#v[this.#start] = x;
      this.#start = (this.#start + 1) % this.capacity;
    }
  }

  /** i-th oldest sample. */
  at(i: number): number {
    return this.#v[(this.#start + i) % this.capacity];
  }
}
