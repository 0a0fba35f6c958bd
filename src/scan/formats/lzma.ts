// Bounded LZMA decoding for scanning compressed pickles (joblib compress="lzma" / "xz"): the
// LZMA decoder after Igor Pavlov's "LZMA specification" (lzma-specification.txt, LZMA SDK),
// LZMA2 chunks and the .xz container after "The .xz File Format" 1.1.0 (Tukaani Project), and
// the legacy .lzma "alone" header. Output goes into one growing buffer that refuses to pass a
// byte budget (decompression bombs), and every read is checked against the input, so hostile
// input ends in a typed error, never a hang or an oversized allocation.

import { DecompressError, Output, OutputLimitError } from "./bounded-output.js";

const fail = (message: string): never => {
  throw new DecompressError(message);
};

const PROB_INIT = 1024;
const TOP = 1 << 24;

class RangeDecoder {
  private range = 0xffffffff;
  private code = 0;

  constructor(
    private readonly input: Uint8Array,
    public pos: number,
    private readonly end: number,
  ) {
    if (this.byte() !== 0) fail("range coder must start with a zero byte");
    for (let i = 0; i < 4; i++) this.code = this.code * 256 + this.byte();
    if (this.code === this.range) fail("corrupt range coder start");
  }

  private byte(): number {
    if (this.pos >= this.end) fail("compressed data ends early");
    return this.input[this.pos++];
  }

  /** True when the coder ended cleanly (its code is zero). */
  get finishedOk(): boolean {
    return this.code === 0;
  }

  bit(probs: Uint16Array, i: number): number {
    const p = probs[i];
    const bound = (this.range >>> 11) * p;
    let bit: number;
    if (this.code < bound) {
      this.range = bound;
      probs[i] = p + ((2048 - p) >>> 5);
      bit = 0;
    } else {
      this.range -= bound;
      this.code -= bound;
      probs[i] = p - (p >>> 5);
      bit = 1;
    }
    if (this.range < TOP) {
      this.range *= 256;
      this.code = this.code * 256 + this.byte();
    }
    return bit;
  }

  direct(count: number): number {
    let result = 0;
    for (let i = 0; i < count; i++) {
      this.range = Math.floor(this.range / 2);
      let bit = 0;
      if (this.code >= this.range) {
        this.code -= this.range;
        bit = 1;
      }
      result = result * 2 + bit;
      if (this.range < TOP) {
        this.range *= 256;
        this.code = this.code * 256 + this.byte();
      }
    }
    return result;
  }

  tree(probs: Uint16Array, offset: number, bits: number): number {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) + this.bit(probs, offset + m);
    return m - (1 << bits);
  }

  reverseTree(probs: Uint16Array, offset: number, bits: number): number {
    let m = 1;
    let symbol = 0;
    for (let i = 0; i < bits; i++) {
      const bit = this.bit(probs, offset + m);
      m = (m << 1) + bit;
      symbol |= bit << i;
    }
    return symbol;
  }
}

class LengthDecoder {
  // choice, choice2, low[16][8], mid[16][8], high[256]
  private readonly probs = new Uint16Array(2 + 16 * 8 * 2 + 256).fill(PROB_INIT);

  decode(rc: RangeDecoder, posState: number): number {
    if (rc.bit(this.probs, 0) === 0) return rc.tree(this.probs, 2 + posState * 8, 3);
    if (rc.bit(this.probs, 1) === 0) return 8 + rc.tree(this.probs, 2 + 128 + posState * 8, 3);
    return 16 + rc.tree(this.probs, 2 + 256, 8);
  }
}

const END_MARKER = 0xffffffff;

/** LZMA decoder state: probabilities, state machine and rep distances survive LZMA2 chunks. */
export class LzmaDecoder {
  private lc = 3;
  private lp = 0;
  private pb = 2;
  private literal = new Uint16Array(0x300 << 3);
  private isMatch = new Uint16Array(12 << 4);
  private isRep = new Uint16Array(12);
  private isRepG0 = new Uint16Array(12);
  private isRepG1 = new Uint16Array(12);
  private isRepG2 = new Uint16Array(12);
  private isRep0Long = new Uint16Array(12 << 4);
  private posSlot = new Uint16Array(4 << 6);
  private posSpecial = new Uint16Array(1 + 114);
  private align = new Uint16Array(16);
  private len = new LengthDecoder();
  private repLen = new LengthDecoder();
  private state = 0;
  private reps = [0, 0, 0, 0];

  /** Decodes the properties byte (lc, lp, pb) and resets the state. */
  reset(props: number, lcLpMax = 12): void {
    if (props >= 9 * 5 * 5) fail(`bad LZMA properties byte ${props}`);
    this.lc = props % 9;
    this.lp = Math.floor(props / 9) % 5;
    this.pb = Math.floor(props / 45);
    if (this.lc + this.lp > lcLpMax) fail("LZMA2 allows lc + lp of at most 4");
    this.resetState();
  }

  resetState(): void {
    this.literal = new Uint16Array(0x300 << (this.lc + this.lp)).fill(PROB_INIT);
    for (const probs of [
      this.isMatch,
      this.isRep,
      this.isRepG0,
      this.isRepG1,
      this.isRepG2,
      this.isRep0Long,
      this.posSlot,
      this.posSpecial,
      this.align,
    ]) {
      probs.fill(PROB_INIT);
    }
    this.len = new LengthDecoder();
    this.repLen = new LengthDecoder();
    this.state = 0;
    this.reps = [0, 0, 0, 0];
  }

  /**
   * Decodes into `out` until `size` bytes (when given) or the end marker. Returns whether an
   * end marker ended the data.
   */
  decode(rc: RangeDecoder, out: Output, size: number | undefined, markerAllowed: boolean): boolean {
    const pbMask = (1 << this.pb) - 1;
    let remaining = size ?? Number.POSITIVE_INFINITY;
    const reps = this.reps;
    for (;;) {
      // With a known size the end marker is optional: a cleanly finished coder ends the data.
      if (remaining === 0 && (!markerAllowed || rc.finishedOk)) return false;
      const posState = out.dictPos & pbMask;
      const s = this.state;
      if (rc.bit(this.isMatch, (s << 4) + posState) === 0) {
        if (remaining === 0) return fail("data continues past the stated size");
        this.literalByte(rc, out);
        this.state = s < 4 ? 0 : s < 10 ? s - 3 : s - 6;
        remaining -= 1;
        continue;
      }
      let length: number;
      if (rc.bit(this.isRep, s) !== 0) {
        if (remaining === 0) return fail("data continues past the stated size");
        if (out.dictPos === 0) return fail("repeated match before any data");
        if (rc.bit(this.isRepG0, s) === 0) {
          if (rc.bit(this.isRep0Long, (s << 4) + posState) === 0) {
            this.state = s < 7 ? 9 : 11;
            out.put(out.back(reps[0] + 1));
            remaining -= 1;
            continue;
          }
        } else {
          let distance: number;
          if (rc.bit(this.isRepG1, s) === 0) distance = reps[1];
          else {
            if (rc.bit(this.isRepG2, s) === 0) distance = reps[2];
            else {
              distance = reps[3];
              reps[3] = reps[2];
            }
            reps[2] = reps[1];
          }
          reps[1] = reps[0];
          reps[0] = distance;
        }
        length = this.repLen.decode(rc, posState);
        this.state = s < 7 ? 8 : 11;
      } else {
        reps[3] = reps[2];
        reps[2] = reps[1];
        reps[1] = reps[0];
        length = this.len.decode(rc, posState);
        this.state = s < 7 ? 7 : 10;
        reps[0] = this.distance(rc, length);
        if (reps[0] === END_MARKER) {
          if (!markerAllowed || !rc.finishedOk) fail("unexpected or corrupt end marker");
          if (size !== undefined && remaining !== 0) fail("end marker before the stated size");
          return true;
        }
        if (remaining === 0) return fail("data continues past the stated size");
      }
      length += 2;
      if (length > remaining) fail("match runs past the stated size");
      out.copy(reps[0] + 1, length);
      remaining -= length;
    }
  }

  private literalByte(rc: RangeDecoder, out: Output): void {
    const prev = out.dictPos > 0 ? out.back(1) : 0;
    const litState = ((out.dictPos & ((1 << this.lp) - 1)) << this.lc) + (prev >> (8 - this.lc));
    const base = 0x300 * litState;
    const probs = this.literal;
    let symbol = 1;
    if (this.state >= 7) {
      let match = out.back(this.reps[0] + 1);
      while (symbol < 0x100) {
        const matchBit = (match >> 7) & 1;
        match <<= 1;
        const bit = rc.bit(probs, base + ((1 + matchBit) << 8) + symbol);
        symbol = (symbol << 1) | bit;
        if (matchBit !== bit) break;
      }
    }
    while (symbol < 0x100) symbol = (symbol << 1) | rc.bit(probs, base + symbol);
    out.put(symbol - 0x100);
  }

  private distance(rc: RangeDecoder, length: number): number {
    const slot = rc.tree(this.posSlot, Math.min(length, 3) << 6, 6);
    if (slot < 4) return slot;
    const directBits = (slot >> 1) - 1;
    let distance = (2 | (slot & 1)) * 2 ** directBits;
    if (slot < 14) return distance + rc.reverseTree(this.posSpecial, distance - slot, directBits);
    distance += rc.direct(directBits - 4) * 16;
    return distance + rc.reverseTree(this.align, 0, 4);
  }
}

/** A legacy .lzma ("alone") stream: properties, dictionary size, size or -1, then LZMA data. */
export function decompressLzmaAlone(input: Uint8Array, limit: number): Uint8Array {
  if (input.length < 13) fail("truncated .lzma header");
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const low = view.getUint32(5, true);
  const high = view.getUint32(9, true);
  const known = !(low === 0xffffffff && high === 0xffffffff);
  const size = high * 2 ** 32 + low;
  if (known && size > limit)
    throw new OutputLimitError(`stated size ${size} passes ${limit} bytes`);
  const decoder = new LzmaDecoder();
  decoder.reset(input[0]);
  const out = new Output(limit, known ? size : input.length * 4);
  const rc = new RangeDecoder(input, 13, input.length);
  decoder.decode(rc, out, known ? size : undefined, true);
  return out.result();
}

/** LZMA2 chunks from `pos` to their end marker; returns the offset after it. */
function decodeLzma2(input: Uint8Array, pos: number, end: number, out: Output): number {
  const decoder = new LzmaDecoder();
  let needDictReset = true;
  let needProps = true;
  for (;;) {
    if (pos >= end) fail("LZMA2 data ends early");
    const control = input[pos++];
    if (control === 0x00) return pos;
    if (control === 0x01 || control === 0x02) {
      if (control === 0x02 && needDictReset) fail("LZMA2 must start with a dictionary reset");
      if (control === 0x01) out.dictStart = out.pos;
      needDictReset = false;
      if (pos + 2 > end) fail("LZMA2 data ends early");
      const size = ((input[pos] << 8) | input[pos + 1]) + 1;
      pos += 2;
      if (pos + size > end) fail("LZMA2 uncompressed chunk ends early");
      out.reserve(size);
      out.bytes.set(input.subarray(pos, pos + size), out.pos);
      out.pos += size;
      pos += size;
      continue;
    }
    if (control < 0x80) fail(`bad LZMA2 control byte ${control}`);
    if (pos + 4 > end) fail("LZMA2 data ends early");
    const unpacked = ((control & 0x1f) << 16) + ((input[pos] << 8) | input[pos + 1]) + 1;
    const packed = ((input[pos + 2] << 8) | input[pos + 3]) + 1;
    pos += 4;
    const reset = (control >> 5) & 3;
    if (reset === 3) {
      out.dictStart = out.pos;
      needDictReset = false;
    }
    if (needDictReset) fail("LZMA2 must start with a dictionary reset");
    if (reset >= 2) {
      if (pos >= end) fail("LZMA2 data ends early");
      decoder.reset(input[pos++], 4);
      needProps = false;
    } else if (needProps) {
      fail("LZMA2 chunk without properties");
    } else if (reset === 1) {
      decoder.resetState();
    }
    if (pos + packed > end) fail("LZMA2 chunk ends early");
    const rc = new RangeDecoder(input, pos, pos + packed);
    decoder.decode(rc, out, unpacked, false);
    pos += packed;
  }
}

const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const MAX_STREAMS = 1024;
const CHECK_SIZES: Readonly<Record<number, number>> = { 0: 0, 1: 4, 4: 8, 10: 32 };
const LZMA2_FILTER = 0x21;

/** An .xz multibyte integer (7 bits per byte, little-endian, at most 9 bytes). */
function varint(input: Uint8Array, at: { pos: number }, end: number): number {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    if (at.pos >= end) fail("truncated .xz integer");
    const b = input[at.pos++];
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return value;
  }
  return fail("overlong .xz integer");
}

/** Decompresses an .xz file (one or more streams, LZMA2 blocks only). */
export function decompressXz(input: Uint8Array, limit: number): Uint8Array {
  const out = new Output(limit, input.length * 4);
  let pos = 0;
  for (let streams = 0; pos < input.length; streams++) {
    if (streams >= MAX_STREAMS) fail(`more than ${MAX_STREAMS} .xz streams`);
    if (streams > 0) {
      while (pos < input.length && input[pos] === 0) pos++; // stream padding
      if (pos >= input.length) break;
    }
    if (pos + 12 > input.length || !XZ_MAGIC.every((b, i) => input[pos + i] === b)) {
      fail("no .xz stream header");
    }
    const checkType = input[pos + 7] & 0x0f;
    const checkSize = CHECK_SIZES[checkType] ?? fail(`unsupported .xz check type ${checkType}`);
    pos += 12;
    // Blocks until the index (a zero byte where a block header size would be).
    while (pos < input.length && input[pos] !== 0) {
      const blockStart = pos;
      const headerSize = (input[pos] + 1) * 4;
      if (pos + headerSize > input.length) fail("truncated .xz block header");
      const flags = input[pos + 1];
      if (flags & 0x3c) fail("reserved .xz block flags set");
      const at = { pos: pos + 2 };
      const headerEnd = pos + headerSize - 4;
      if (flags & 0x40) varint(input, at, headerEnd); // compressed size
      if (flags & 0x80) varint(input, at, headerEnd); // uncompressed size
      const filters = (flags & 0x03) + 1;
      const id = varint(input, at, headerEnd);
      const propsSize = varint(input, at, headerEnd);
      if (filters !== 1 || id !== LZMA2_FILTER || propsSize !== 1) {
        fail(`unsupported .xz filter chain (filter 0x${id.toString(16)}, ${filters} filters)`);
      }
      pos = decodeLzma2(input, pos + headerSize, input.length, out);
      pos += (4 - ((pos - blockStart) % 4)) % 4; // block padding
      pos += checkSize;
    }
    // Index: indicator, record count, records, padding, CRC32; then the 12-byte footer.
    const at = { pos: pos + 1 };
    const records = varint(input, at, input.length);
    if (records > input.length) fail("corrupt .xz index");
    for (let i = 0; i < records * 2; i++) varint(input, at, input.length);
    pos = at.pos + ((4 - ((at.pos - pos) % 4)) % 4) + 4 + 12;
    if (pos > input.length) fail("truncated .xz index or footer");
  }
  return out.result();
}
