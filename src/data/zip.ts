// A bounded reader for ZIP archives held in memory (PKWARE APPNOTE.TXT 6.3.10: §4.3.7 local
// header, §4.3.12 central directory, §4.3.14-16 ZIP64 end records, §4.5.3 ZIP64 extra field).
// Only STORED (0) and DEFLATE (8) entries are read; every size, offset and name in the archive
// is attacker-controlled, so each is checked before use and inflation is capped.

import * as zlib from "node:zlib";
import { MlsecError } from "../core/index.js";

export interface ZipLimits {
  /** Most entries in one archive. */
  readonly maxEntries?: number;
  /** Largest uncompressed size of one entry, in bytes. */
  readonly maxEntryBytes?: number;
  /** Largest total uncompressed size of all entries read (zip-bomb bound), in bytes. */
  readonly maxTotalBytes?: number;
  /** Longest entry name, in bytes. */
  readonly maxNameBytes?: number;
}

export const DEFAULT_ZIP_LIMITS: Required<ZipLimits> = {
  maxEntries: 4096,
  maxEntryBytes: 2 ** 31 - 1,
  maxTotalBytes: 4 * 2 ** 30,
  maxNameBytes: 1024,
};

export interface ZipEntry {
  readonly name: string;
  readonly method: 0 | 8;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  /** Offset of the entry's local file header. */
  readonly localOffset: number;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

// zlib.crc32 exists from Node 20.15; the table version covers older 20.x releases.
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/** CRC-32 (ISO 3309 / ITU-T V.42 polynomial), as stored in ZIP headers. */
export function crc32(bytes: Uint8Array): number {
  if (nativeCrc32 !== undefined) return nativeCrc32(bytes) >>> 0;
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function bad(message: string): never {
  throw new MlsecError("E_DATA_FORMAT", `bad zip archive: ${message}`);
}

function u64(dv: DataView, at: number): number {
  const v = dv.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) bad("a 64-bit size or offset is out of range");
  return Number(v);
}

/** Lists the entries of a ZIP archive from its central directory. */
export function listZip(bytes: Uint8Array, limitsIn: ZipLimits = {}): ZipEntry[] {
  const limits = { ...DEFAULT_ZIP_LIMITS, ...limitsIn };
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // §4.3.16: the end-of-central-directory record is the last 22 bytes plus a comment (< 64 KiB).
  let eocd = -1;
  for (let i = bytes.length - 22; i >= 0 && i >= bytes.length - 22 - 0xffff; i--) {
    if (dv.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) bad("no end-of-central-directory record (not a zip file, or truncated)");
  let count = dv.getUint16(eocd + 10, true);
  let cdSize = dv.getUint32(eocd + 12, true);
  let cdOffset = dv.getUint32(eocd + 16, true);
  if (dv.getUint16(eocd + 4, true) !== 0 || dv.getUint16(eocd + 6, true) !== 0) {
    bad("multi-disk archives are not supported");
  }
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // §4.3.15: a ZIP64 end-of-central-directory locator sits just before the EOCD record.
    const loc = eocd - 20;
    if (loc < 0 || dv.getUint32(loc, true) !== 0x07064b50) bad("missing ZIP64 locator");
    const rec = u64(dv, loc + 8);
    if (rec + 56 > bytes.length || dv.getUint32(rec, true) !== 0x06064b50) {
      bad("bad ZIP64 end-of-central-directory record");
    }
    count = u64(dv, rec + 32);
    cdSize = u64(dv, rec + 40);
    cdOffset = u64(dv, rec + 48);
  }
  if (count > limits.maxEntries) {
    throw new MlsecError(
      "E_LIMIT_EXCEEDED",
      `zip archive has ${count} entries (limit ${limits.maxEntries})`,
    );
  }
  if (cdOffset + cdSize > bytes.length) bad("central directory lies outside the file");

  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > cdOffset + cdSize || dv.getUint32(p, true) !== 0x02014b50) {
      bad(`central directory entry ${k} is malformed`);
    }
    const flags = dv.getUint16(p + 8, true);
    const method = dv.getUint16(p + 10, true);
    const crc = dv.getUint32(p + 16, true);
    let compressedSize = dv.getUint32(p + 20, true);
    let size = dv.getUint32(p + 24, true);
    const nameLength = dv.getUint16(p + 28, true);
    const extraLength = dv.getUint16(p + 30, true);
    const commentLength = dv.getUint16(p + 32, true);
    let localOffset = dv.getUint32(p + 42, true);
    const end = p + 46 + nameLength + extraLength + commentLength;
    if (end > cdOffset + cdSize) bad(`central directory entry ${k} overruns the directory`);
    if (nameLength > limits.maxNameBytes) {
      throw new MlsecError("E_LIMIT_EXCEEDED", `zip entry name of ${nameLength} bytes`);
    }
    if (flags & 0x1) bad("encrypted entries are not supported");
    if (method !== 0 && method !== 8) bad(`compression method ${method} is not supported`);
    let name: string;
    try {
      name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLength));
    } catch {
      return bad(`entry ${k} has a name that is not UTF-8`);
    }
    // Names become array names: refuse control characters and ambiguous duplicates.
    if (name.length === 0 || /[\u0000-\u001f]/.test(name)) bad(`entry ${k} has an invalid name`);
    if (names.has(name)) bad(`duplicate entry name ${JSON.stringify(name)}`);
    names.add(name);
    // §4.5.3: ZIP64 extra field, holding only the fields that are 0xFFFFFFFF above, in order.
    let x = p + 46 + nameLength;
    const xEnd = x + extraLength;
    while (x + 4 <= xEnd) {
      const id = dv.getUint16(x, true);
      const len = dv.getUint16(x + 2, true);
      if (x + 4 + len > xEnd) bad(`entry ${k} has a malformed extra field`);
      if (id === 0x0001) {
        let q = x + 4;
        const take = () => {
          if (q + 8 > x + 4 + len) bad(`entry ${k} has a short ZIP64 extra field`);
          const v = u64(dv, q);
          q += 8;
          return v;
        };
        if (size === 0xffffffff) size = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (localOffset === 0xffffffff) localOffset = take();
      }
      x += 4 + len;
    }
    if (size > limits.maxEntryBytes) {
      throw new MlsecError(
        "E_LIMIT_EXCEEDED",
        `zip entry ${JSON.stringify(name)} declares ${size} bytes (limit ${limits.maxEntryBytes})`,
      );
    }
    if (method === 0 && compressedSize !== size) bad(`stored entry ${name} has mismatched sizes`);
    if (localOffset + 30 > cdOffset) bad(`entry ${name} has a local header outside the data`);
    entries.push({ name, method, compressedSize, size, crc32: crc, localOffset });
    p = end;
  }
  return entries;
}

/** The uncompressed bytes of one entry, checked against its declared size and CRC-32. */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.localOffset;
  if (at + 30 > bytes.length || dv.getUint32(at, true) !== 0x04034b50) {
    bad(`entry ${entry.name} has no local header`);
  }
  const start = at + 30 + dv.getUint16(at + 26, true) + dv.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.length) bad(`entry ${entry.name} is truncated`);
  const raw = bytes.subarray(start, end);
  let out: Uint8Array;
  if (entry.method === 0) {
    out = raw;
  } else {
    try {
      // maxOutputLength caps the work a deflate bomb can cause at the declared size (+1 to
      // notice that the stream is longer than declared).
      // 1 MiB output chunks: Node's 16 KiB default makes large entries several times slower.
      const b = zlib.inflateRawSync(raw, {
        maxOutputLength: Math.max(entry.size, 1) + 1,
        chunkSize: Math.min(Math.max(entry.size + 1, 64 << 10), 1 << 20),
      });
      out = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (e) {
      const why = e instanceof RangeError ? "inflates past its declared size" : "is corrupt";
      return bad(`deflated entry ${entry.name} ${why}`);
    }
  }
  if (out.length !== entry.size) {
    bad(`entry ${entry.name} holds ${out.length} bytes but declares ${entry.size}`);
  }
  if (crc32(out) !== entry.crc32) bad(`entry ${entry.name} fails its CRC-32 check`);
  return out;
}

/**
 * Reads the entries that `select` accepts (all by default), bounding their total uncompressed
 * size before inflating anything. Overlapping entries (one deflate stream listed many times)
 * count once per listing, so they cannot escape the bound.
 */
export function readZip(
  bytes: Uint8Array,
  limitsIn: ZipLimits = {},
  select: (name: string) => boolean = () => true,
): Map<string, Uint8Array> {
  const limits = { ...DEFAULT_ZIP_LIMITS, ...limitsIn };
  const entries = listZip(bytes, limits).filter((e) => select(e.name));
  const total = entries.reduce((s, e) => s + e.size, 0);
  if (total > limits.maxTotalBytes) {
    throw new MlsecError(
      "E_LIMIT_EXCEEDED",
      `zip archive declares ${total} uncompressed bytes (limit ${limits.maxTotalBytes})`,
    );
  }
  return new Map(entries.map((e) => [e.name, readZipEntry(bytes, e)]));
}
