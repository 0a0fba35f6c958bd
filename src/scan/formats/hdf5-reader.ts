// A bounded reader for the few parts of HDF5 a scanner needs: the superblock, the root group's
// object header, and its attribute messages (with variable-length strings from the global heap).
// After the HDF5 File Format Specification, version 3.0 (The HDF Group): II.A superblock
// (versions 0-3), IV.A.1 object header prefixes (version 1, and version 2 "OHDR"/"OCHK"),
// IV.A.2.b dataspace, IV.A.2.d datatype, IV.A.2.m attribute (versions 1-3), IV.A.2.q header
// continuation, IV.A.2.v attribute info, III.E global heap collections ("GCOL").
// Every address and length is checked against the file, and every loop has a bound: a hostile
// file gets a typed error, never a hang or an out-of-range read.
import type { ByteSource } from "../source.js";

export class Hdf5FormatError extends Error {}

export interface Hdf5Attribute {
  readonly name: string;
  /** One string per element for string attributes (fixed or variable length); else undefined. */
  readonly strings?: readonly string[];
}

export interface Hdf5Root {
  readonly superblockVersion: number;
  readonly attributes: readonly Hdf5Attribute[];
  /** Attribute storage this reader does not follow; the caller must not call the file clean. */
  readonly unsupported: readonly string[];
}

export interface Hdf5Limits {
  /** Bytes of attribute strings read in all (a Keras model_config can be megabytes). */
  readonly maxStringBytes: number;
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const MAX_MESSAGES = 65_536;
const MAX_CHUNKS = 1024;
const MAX_ELEMENTS = 1 << 20;

const MSG_CONTINUATION = 0x10;
const MSG_ATTRIBUTE = 0x0c;
const MSG_ATTRIBUTE_INFO = 0x15;
const CLASS_STRING = 3;
const CLASS_VLEN = 9;

const fail = (message: string): never => {
  throw new Hdf5FormatError(message);
};
const pad8 = (n: number): number => (n + 7) & ~7;
const utf8 = new TextDecoder("utf-8", { fatal: false });

/** Little-endian unsigned integer of `size` bytes at `at`; undefined for the all-ones address. */
function uint(bytes: Uint8Array, at: number, size: number): number | undefined {
  if (at < 0 || at + size > bytes.length) fail(`field at ${at} runs past its structure`);
  let allOnes = true;
  let value = 0;
  for (let i = size - 1; i >= 0; i--) {
    const b = bytes[at + i];
    if (b !== 0xff) allOnes = false;
    value = value * 256 + b;
  }
  if (allOnes && size > 1) return undefined;
  if (!Number.isSafeInteger(value)) fail(`value at ${at} is out of range`);
  return value;
}

const defined = (value: number | undefined, what: string): number =>
  value === undefined ? fail(`${what} is undefined`) : value;

class Reader {
  private sizeOffsets = 8;
  private sizeLengths = 8;
  private base = 0;
  private stringBytes = 0;
  private readonly heaps = new Map<number, Uint8Array>();

  constructor(
    private readonly src: ByteSource,
    private readonly limits: Hdf5Limits,
  ) {}

  /** Exactly `length` bytes at file address `at` (relative to the base address). */
  read(at: number, length: number): Uint8Array {
    const start = this.base + at;
    if (at < 0 || length < 0 || start + length > this.src.size) {
      fail(`${length} bytes at address ${at} run past the end of the file`);
    }
    return this.src.read(start, length);
  }

  root(): Hdf5Root {
    const head = this.src.read(0, Math.min(this.src.size, 256));
    if (!SIGNATURE.every((b, i) => head[i] === b)) fail("no HDF5 signature at offset 0");
    const version = head.length > 8 ? head[8] : fail("truncated superblock");
    let rootAddress: number;
    if (version === 0 || version === 1) {
      this.setSizes(head[13], head[14]);
      const o = this.sizeOffsets;
      const at = version === 0 ? 24 : 28;
      this.base = defined(uint(head, at, o), "base address");
      // base, free-space, end-of-file and driver addresses, then the root symbol table entry
      rootAddress = defined(uint(head, at + 5 * o, o), "root object header address");
    } else if (version === 2 || version === 3) {
      this.setSizes(head[9], head[10]);
      const o = this.sizeOffsets;
      this.base = defined(uint(head, 12, o), "base address");
      rootAddress = defined(uint(head, 12 + 3 * o, o), "root object header address");
    } else {
      return fail(`unsupported superblock version ${version}`);
    }
    const unsupported: string[] = [];
    const attributes: Hdf5Attribute[] = [];
    for (const m of this.messages(rootAddress)) {
      if (m.type === MSG_ATTRIBUTE) {
        if (m.flags & 0x02) unsupported.push("a shared attribute message of the root group");
        else attributes.push(this.attribute(m.data));
      } else if (m.type === MSG_ATTRIBUTE_INFO) {
        const heap = this.attributeInfoHeap(m.data);
        if (heap !== undefined) {
          unsupported.push("root group attributes in dense storage (fractal heap)");
        }
      }
    }
    return { superblockVersion: version, attributes, unsupported };
  }

  private setSizes(offsets: number | undefined, lengths: number | undefined): void {
    const ok = (n: number | undefined) => n === 2 || n === 4 || n === 8;
    if (!ok(offsets) || !ok(lengths)) fail(`unsupported offset/length sizes ${offsets}/${lengths}`);
    this.sizeOffsets = offsets as number;
    this.sizeLengths = lengths as number;
  }

  /** Every message of the object header at `address`, following continuation blocks. */
  private *messages(address: number): Generator<{ type: number; flags: number; data: Uint8Array }> {
    const prefix = this.read(address, Math.min(16, this.src.size - this.base - address));
    const v2 = prefix[0] === 0x4f && prefix[1] === 0x48 && prefix[2] === 0x44 && prefix[3] === 0x52;
    const chunks: { at: number; length: number }[] = [];
    let creationOrder = false;
    let remaining = Number.POSITIVE_INFINITY;
    if (v2) {
      const fixed = this.read(address, 6);
      if (fixed[4] !== 2) fail(`unsupported object header version ${fixed[4]}`);
      const flags = fixed[5];
      creationOrder = (flags & 0x04) !== 0;
      let p = 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
      const width = 1 << (flags & 0x03);
      const size = defined(uint(this.read(address + p, width), 0, width), "header chunk size");
      p += width;
      chunks.push({ at: address + p, length: size });
    } else {
      if (prefix[0] !== 1) fail(`unsupported object header version ${prefix[0]}`);
      const fixed = this.read(address, 16);
      remaining = fixed[2] | (fixed[3] << 8);
      const size = defined(uint(fixed, 8, 4), "header size");
      chunks.push({ at: address + 16, length: size });
    }
    const seen = new Set<number>();
    let count = 0;
    for (let c = 0; c < chunks.length; c++) {
      if (c >= MAX_CHUNKS) fail(`more than ${MAX_CHUNKS} object header chunks`);
      const { at, length } = chunks[c];
      if (seen.has(at)) fail(`object header continuation loops back to address ${at}`);
      seen.add(at);
      let block = this.read(at, length);
      if (v2 && c > 0) {
        if (String.fromCharCode(...block.subarray(0, 4)) !== "OCHK") {
          fail(`continuation block at ${at} has no OCHK signature`);
        }
        block = block.subarray(4);
      }
      // Version 2: chunk 0's size leaves out its checksum, a continuation block's length counts
      // its signature and checksum; messages are not aligned and may leave a gap at the end.
      const end = v2 && c > 0 ? block.length - 4 : block.length;
      const headerSize = v2 ? (creationOrder ? 6 : 4) : 8;
      let p = 0;
      while (p + headerSize <= end && count < remaining) {
        const type = v2 ? block[p] : block[p] | (block[p + 1] << 8);
        const size = v2 ? block[p + 1] | (block[p + 2] << 8) : block[p + 2] | (block[p + 3] << 8);
        const flags = v2 ? block[p + 3] : block[p + 4];
        const dataAt = p + headerSize;
        if (dataAt + size > end) fail(`header message at ${at + p} runs past its block`);
        const data = block.subarray(dataAt, dataAt + size);
        p = dataAt + (v2 ? size : pad8(size));
        if (++count > MAX_MESSAGES) fail(`more than ${MAX_MESSAGES} header messages`);
        if (type === MSG_CONTINUATION) {
          const o = this.sizeOffsets;
          chunks.push({
            at: defined(uint(data, 0, o), "continuation address"),
            length: defined(uint(data, o, this.sizeLengths), "continuation length"),
          });
        } else {
          yield { type, flags, data };
        }
      }
    }
  }

  /** The fractal heap address of dense attribute storage, if the attribute info has one. */
  private attributeInfoHeap(data: Uint8Array): number | undefined {
    if (data[0] !== 0) fail(`unsupported attribute info version ${data[0]}`);
    const at = 2 + (data[1] & 0x01 ? 2 : 0);
    return uint(data, at, this.sizeOffsets);
  }

  private attribute(data: Uint8Array): Hdf5Attribute {
    const version = data[0];
    if (version < 1 || version > 3) fail(`unsupported attribute message version ${version}`);
    if (version > 1 && data[1] & 0x03) {
      // A shared datatype or dataspace: its description lives elsewhere.
      return { name: this.attributeName(data, version) };
    }
    const nameSize = defined(uint(data, 2, 2), "name size");
    const typeSize = defined(uint(data, 4, 2), "datatype size");
    const spaceSize = defined(uint(data, 6, 2), "dataspace size");
    const align = version === 1 ? pad8 : (n: number) => n;
    let p = version === 3 ? 9 : 8;
    const name = this.attributeName(data, version);
    p += align(nameSize);
    const datatype = data.subarray(p, p + typeSize);
    p += align(typeSize);
    const dataspace = data.subarray(p, p + spaceSize);
    p += align(spaceSize);
    if (p > data.length) fail(`attribute ${name} runs past its message`);
    const strings = this.strings(datatype, this.elements(dataspace), data.subarray(p));
    return strings === undefined ? { name } : { name, strings };
  }

  private attributeName(data: Uint8Array, version: number): string {
    const nameSize = defined(uint(data, 2, 2), "name size");
    const at = version === 3 ? 9 : 8;
    if (at + nameSize > data.length) fail("attribute name runs past its message");
    const raw = data.subarray(at, at + nameSize);
    const nul = raw.indexOf(0);
    return utf8.decode(nul >= 0 ? raw.subarray(0, nul) : raw);
  }

  /** Number of elements of a dataspace (1 for a scalar, 0 for a null dataspace). */
  private elements(space: Uint8Array): number {
    if (space.length < 4) fail("truncated dataspace");
    const version = space[0];
    const rank = space[1];
    if (version === 2 && space[3] === 2) return 0;
    if (version !== 1 && version !== 2) fail(`unsupported dataspace version ${version}`);
    const at = version === 1 ? 8 : 4;
    let n = 1;
    for (let i = 0; i < rank; i++) {
      n *= defined(uint(space, at + i * this.sizeLengths, this.sizeLengths), "dimension");
      if (n > MAX_ELEMENTS) fail(`attribute with more than ${MAX_ELEMENTS} elements`);
    }
    return n;
  }

  /** The values of a string attribute; undefined when the datatype is not a string. */
  private strings(type: Uint8Array, count: number, data: Uint8Array): string[] | undefined {
    if (type.length < 8) fail("truncated datatype");
    const cls = type[0] & 0x0f;
    const size = defined(uint(type, 4, 4), "datatype size");
    if (cls === CLASS_STRING) {
      if (size * count > data.length) fail("string attribute data runs past its message");
      const padding = type[1] & 0x0f;
      return Array.from({ length: count }, (_, i) =>
        this.text(fixedString(data.subarray(i * size, (i + 1) * size), padding)),
      );
    }
    if (cls === CLASS_VLEN && (type[1] & 0x0f) === 1) {
      // Each element: length (4), global heap collection address, object index (4).
      const step = 4 + this.sizeOffsets + 4;
      if (step * count > data.length) fail("string attribute data runs past its message");
      return Array.from({ length: count }, (_, i) => {
        const at = i * step;
        const length = defined(uint(data, at, 4), "string length");
        const heap = uint(data, at + 4, this.sizeOffsets);
        const index = defined(uint(data, at + 4 + this.sizeOffsets, 4), "heap object index");
        if (heap === undefined || length === 0) return "";
        const bytes = this.heapObject(heap, index);
        if (bytes.length < length) fail(`string in heap object ${index} is shorter than stated`);
        return this.text(bytes.subarray(0, length));
      });
    }
    return undefined;
  }

  private text(bytes: Uint8Array): string {
    this.stringBytes += bytes.length;
    if (this.stringBytes > this.limits.maxStringBytes) {
      fail(`attribute strings longer than ${this.limits.maxStringBytes} bytes`);
    }
    return utf8.decode(bytes);
  }

  /** Object `index` of the global heap collection at `address`. */
  private heapObject(address: number, index: number): Uint8Array {
    let heap = this.heaps.get(address);
    if (heap === undefined) {
      const head = this.read(address, 8 + this.sizeLengths);
      if (String.fromCharCode(...head.subarray(0, 4)) !== "GCOL" || head[4] !== 1) {
        fail(`no global heap collection at address ${address}`);
      }
      const size = defined(uint(head, 8, this.sizeLengths), "collection size");
      if (size > this.limits.maxStringBytes + 4096) fail(`global heap collection of ${size} bytes`);
      heap = this.read(address, size);
      this.heaps.set(address, heap);
    }
    const l = this.sizeLengths;
    for (let p = 8 + l; p + 8 + l <= heap.length; ) {
      const id = heap[p] | (heap[p + 1] << 8);
      if (id === 0) break; // free space: the last object
      const size = defined(uint(heap, p + 8, l), "heap object size");
      const dataAt = p + 8 + l;
      if (dataAt + size > heap.length) fail(`heap object ${id} runs past its collection`);
      if (id === index) return heap.subarray(dataAt, dataAt + size);
      p = dataAt + pad8(size);
    }
    return fail(`global heap object ${index} not found`);
  }
}

/**
 * A fixed-length string without its padding. Padding type 0 is null-terminated; for the others
 * (1: null-padded, 2: space-padded) trailing NULs and spaces both go, as h5py's NumPy `S` strings
 * drop NULs whatever the declared padding (writers do not always pad as they declare).
 */
function fixedString(raw: Uint8Array, padding: number): Uint8Array {
  if (padding === 0) {
    const nul = raw.indexOf(0);
    return nul >= 0 ? raw.subarray(0, nul) : raw;
  }
  let end = raw.length;
  while (end > 0 && (raw[end - 1] === 0 || raw[end - 1] === 0x20)) end--;
  return raw.subarray(0, end);
}

/** The root group's attributes of the HDF5 file in `src` (throws Hdf5FormatError when malformed). */
export function readHdf5Root(src: ByteSource, limits: Hdf5Limits): Hdf5Root {
  return new Reader(src, limits).root();
}
