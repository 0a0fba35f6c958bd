// Protobuf wire format (protobuf.dev/programming-guides/encoding): a forward reader over a
// byte source that walks fields and skips payloads, so tensor bytes are never read.
import type { ByteSource } from "../source.js";

const MAX_FIELDS = 10_000_000;
export const MAX_NESTING = 64;
const CHUNK = 64 * 1024;

export class Malformed extends Error {}

/** A forward reader over a source with a one-chunk cache (fields are read in order). */
export class WireReader {
  private chunkAt = -1;
  private chunk: Uint8Array = new Uint8Array(0);
  fields = 0;
  constructor(private readonly src: ByteSource) {}

  byte(pos: number): number {
    if (pos >= this.src.size) throw new Malformed("truncated");
    if (pos < this.chunkAt || pos >= this.chunkAt + this.chunk.length) {
      this.chunkAt = pos;
      this.chunk = this.src.read(pos, CHUNK);
    }
    return this.chunk[pos - this.chunkAt];
  }
  varint(pos: number): [number, number] {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte(pos + i);
      value += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) return [value, pos + i + 1];
    }
    throw new Malformed("varint longer than 10 bytes");
  }
  /** Calls `onField(field, wireType, valueStart, valueEnd)` for each field in [start, end). */
  fieldsOf(
    start: number,
    end: number,
    onField: (f: number, w: number, s: number, e: number) => void,
  ) {
    let pos = start;
    while (pos < end) {
      if (++this.fields > MAX_FIELDS) throw new Malformed(`more than ${MAX_FIELDS} fields`);
      const [tag, afterTag] = this.varint(pos);
      const field = Math.floor(tag / 8);
      const wire = tag & 7;
      let valueStart = afterTag;
      let valueEnd: number;
      if (wire === 0) valueEnd = this.varint(afterTag)[1];
      else if (wire === 1) valueEnd = afterTag + 8;
      else if (wire === 5) valueEnd = afterTag + 4;
      else if (wire === 2) {
        const [len, afterLen] = this.varint(afterTag);
        valueStart = afterLen;
        valueEnd = afterLen + len;
      } else throw new Malformed(`wire type ${wire} at offset ${pos}`);
      if (field === 0 || valueEnd > end)
        throw new Malformed(`field overruns its message at ${pos}`);
      onField(field, wire, valueStart, valueEnd);
      pos = valueEnd;
    }
  }
  text(start: number, end: number): string {
    return new TextDecoder().decode(this.src.read(start, Math.min(end - start, 4096)));
  }
}
