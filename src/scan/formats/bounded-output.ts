// A decompression sink that refuses to grow past a byte budget (decompression bombs), shared by
// the LZMA/xz decoder and the bzip2 adapter.

export class DecompressError extends Error {}
/** The output would pass the caller's byte budget. */
export class OutputLimitError extends Error {}

export class Output {
  bytes: Uint8Array;
  pos = 0;
  /** Where the current LZMA2 dictionary starts: matches may not reach before it. */
  dictStart = 0;

  constructor(
    private readonly limit: number,
    sizeHint: number,
  ) {
    this.bytes = new Uint8Array(Math.max(256, Math.min(limit, sizeHint)));
  }

  reserve(n: number): void {
    const need = this.pos + n;
    if (need > this.limit) throw new OutputLimitError(`output passes ${this.limit} bytes`);
    if (need <= this.bytes.length) return;
    const grown = new Uint8Array(Math.min(this.limit, Math.max(need, this.bytes.length * 2)));
    grown.set(this.bytes.subarray(0, this.pos));
    this.bytes = grown;
  }

  /** Bytes since the dictionary start (LZMA positions count from it). */
  get dictPos(): number {
    return this.pos - this.dictStart;
  }

  /** The byte `distance` back (1: the last byte). */
  back(distance: number): number {
    return this.bytes[this.pos - distance];
  }

  put(byte: number): void {
    this.reserve(1);
    this.bytes[this.pos++] = byte;
  }

  copy(distance: number, length: number): void {
    if (distance > this.dictPos) {
      throw new DecompressError(`match distance ${distance} reaches before the dictionary`);
    }
    this.reserve(length);
    const b = this.bytes;
    // A match longer than its distance repeats the `distance` bytes before it; copying from the
    // match start in runs that double keeps every run clear of its own destination.
    const start = this.pos - distance;
    let done = 0;
    while (done < length) {
      const run = Math.min(length - done, distance + done);
      b.copyWithin(this.pos, start, start + run);
      this.pos += run;
      done += run;
    }
  }

  /** seek-bzip's output-stream interface. */
  writeByte(byte: number): void {
    this.put(byte);
  }

  result(): Uint8Array {
    return this.bytes.subarray(0, this.pos);
  }
}
