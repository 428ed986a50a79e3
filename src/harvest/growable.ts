/** An append-only Uint32Array that doubles its capacity, so large indexes avoid per-entry objects. */
export class GrowableUint32Array {
  private data = new Uint32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const larger = new Uint32Array(this.data.length * 2);
      larger.set(this.data);
      this.data = larger;
    }
    this.data[this.length] = value;
    this.length += 1;
  }

  at(index: number): number {
    return this.data[index]!;
  }

  /** Bytes held, including unused capacity. */
  get byteLength(): number {
    return this.data.byteLength;
  }
}
