// ZIP archives (PKWARE APPNOTE.TXT 6.3.10: §4.3.7 local header, §4.3.12 central directory,
// §4.3.14-16 ZIP64, §4.4.4 flags). Read the way PyTorch's loader does: central directory for
// the entries, each local header for where the data starts, whatever the names or flags say.
import { crc32, inflateRawSync } from "node:zlib";
import type { ScanContext } from "../context.js";
import type { ByteSource } from "../source.js";
import { memorySource, sliceSource } from "../source.js";
import { checkMemberName } from "./archive-names.js";

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64_LOCATOR = 0x07064b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const MAX_CENTRAL_DIRECTORY = 256 * 1024 * 1024;

export interface ZipEntry {
  readonly name: string;
  readonly localName: string | undefined;
  readonly flags: number;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
  /** Offset of the member's data, from its local header; undefined if that header is bad. */
  readonly dataOffset: number | undefined;
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Lists entries, or returns a reason the archive cannot be read. Never throws on bad bytes. */
export function readZipEntries(
  src: ByteSource,
  maxEntries: number,
): { ok: true; entries: ZipEntry[]; truncatedAt?: number } | { ok: false; reason: string } {
  const tailLength = Math.min(src.size, 65_557);
  const tail = src.read(src.size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (view(tail).getUint32(i, true) === SIG_EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return { ok: false, reason: "no end-of-central-directory record (truncated?)" };
  const ev = view(tail);
  let count = ev.getUint16(eocd + 10, true);
  let cdSize = ev.getUint32(eocd + 12, true);
  let cdOffset = ev.getUint32(eocd + 16, true);
  const eocdAbs = src.size - tailLength + eocd;
  if (eocdAbs >= 20) {
    const loc = src.read(eocdAbs - 20, 20);
    if (loc.length === 20 && view(loc).getUint32(0, true) === SIG_EOCD64_LOCATOR) {
      const rec64At = Number(view(loc).getBigUint64(8, true));
      const rec = src.read(rec64At, 56);
      if (rec.length < 56 || view(rec).getUint32(0, true) !== SIG_EOCD64) {
        return { ok: false, reason: "bad ZIP64 end-of-central-directory record" };
      }
      count = Number(view(rec).getBigUint64(32, true));
      cdSize = Number(view(rec).getBigUint64(40, true));
      cdOffset = Number(view(rec).getBigUint64(48, true));
    }
  }
  if (cdSize > MAX_CENTRAL_DIRECTORY || cdOffset + cdSize > src.size) {
    return { ok: false, reason: "central directory out of the file's bounds" };
  }
  const cd = src.read(cdOffset, cdSize);
  const cv = view(cd);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (entries.length >= maxEntries) return { ok: true, entries, truncatedAt: maxEntries };
    if (p + 46 > cd.length || cv.getUint32(p, true) !== SIG_CENTRAL) {
      return { ok: false, reason: `central directory entry ${n} is malformed` };
    }
    const flags = cv.getUint16(p + 8, true);
    const method = cv.getUint16(p + 10, true);
    const crc = cv.getUint32(p + 16, true);
    let compressedSize = cv.getUint32(p + 20, true);
    let size = cv.getUint32(p + 24, true);
    const nameLength = cv.getUint16(p + 28, true);
    const extraLength = cv.getUint16(p + 30, true);
    const commentLength = cv.getUint16(p + 32, true);
    let localOffset = cv.getUint32(p + 42, true);
    const end = p + 46 + nameLength + extraLength + commentLength;
    if (end > cd.length) return { ok: false, reason: `central directory entry ${n} overruns` };
    const name = utf8.decode(cd.subarray(p + 46, p + 46 + nameLength));
    // ZIP64 extended information (header id 0x0001): only the fields that are 0xffffffff.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = cv.getUint16(e, true);
      const len = cv.getUint16(e + 2, true);
      if (id === 0x0001) {
        let f = e + 4;
        const take = () => {
          const v = f + 8 <= e + 4 + len ? Number(cv.getBigUint64(f, true)) : 0;
          f += 8;
          return v;
        };
        if (size === 0xffffffff) size = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (localOffset === 0xffffffff) localOffset = take();
      }
      e += 4 + len;
    }
    let localName: string | undefined;
    let dataOffset: number | undefined;
    const local = src.read(localOffset, 30);
    if (local.length === 30 && view(local).getUint32(0, true) === SIG_LOCAL) {
      const ln = view(local).getUint16(26, true);
      const le = view(local).getUint16(28, true);
      localName = utf8.decode(src.read(localOffset + 30, ln));
      dataOffset = localOffset + 30 + ln + le;
    }
    entries.push({
      name,
      localName,
      flags,
      method,
      crc,
      compressedSize,
      size,
      localOffset,
      dataOffset,
    });
    p = end;
  }
  return { ok: true, entries };
}

/** Scans every member of a zip archive by content, recursing into nested archives. */
export function scanZip(src: ByteSource, ctx: ScanContext): void {
  const listing = readZipEntries(src, Math.max(0, ctx.limits.maxEntries - ctx.entries));
  if (!listing.ok) {
    ctx.add("invalid.zip", "low", `zip archive cannot be read: ${listing.reason}`);
    return;
  }
  if (listing.truncatedAt !== undefined) {
    ctx.add("invalid.limit", "medium", `more than ${ctx.limits.maxEntries} archive entries`);
  }
  const seen = new Set<string>();
  for (const entry of listing.entries) {
    ctx.entries += 1;
    checkMemberName(ctx, entry.name);
    if (seen.has(entry.name)) {
      ctx.add("zip.duplicate-name", "medium", `member name ${entry.name} appears twice`);
    }
    seen.add(entry.name);
    if (entry.localName !== undefined && entry.localName !== entry.name) {
      checkMemberName(ctx, entry.localName);
      ctx.add(
        "zip.name-mismatch",
        "medium",
        `member ${entry.name} is named ${entry.localName} in its local header (loaders disagree on its name)`,
        { offset: entry.localOffset },
      );
    }
    if (entry.flags & 1) {
      ctx.add(
        "zip.encrypted-flag",
        "medium",
        `member ${entry.name} has the encryption flag set; PyTorch ignores it and loads the member`,
        { offset: entry.localOffset },
      );
    }
    if (entry.name.endsWith("/") && entry.size === 0) continue;
    if (entry.dataOffset === undefined) {
      ctx.add("invalid.zip", "low", `member ${entry.name} has no valid local header`, {
        offset: entry.localOffset,
      });
      continue;
    }
    const member = memberSource(src, entry, ctx);
    if (member === undefined) continue;
    ctx.nested(member, entry.name);
  }
}

function memberSource(src: ByteSource, entry: ZipEntry, ctx: ScanContext): ByteSource | undefined {
  const dataOffset = entry.dataOffset!;
  if (dataOffset + entry.compressedSize > src.size) {
    ctx.add("invalid.zip", "low", `member ${entry.name} runs past the end of the archive`);
    return undefined;
  }
  if (entry.method === 0) {
    // Stored: PyTorch reads compressed-size bytes whatever the uncompressed size says.
    return sliceSource(src, dataOffset, entry.compressedSize);
  }
  if (entry.method !== 8) {
    ctx.add(
      "invalid.unsupported",
      "medium",
      `member ${entry.name} uses compression method ${entry.method}, which mlsec cannot read`,
    );
    return undefined;
  }
  const budget = Math.min(ctx.limits.maxMemberBytes, ctx.limits.maxTotalInflated - ctx.inflated);
  let data: Uint8Array;
  try {
    data = inflateRawSync(src.read(dataOffset, entry.compressedSize), {
      maxOutputLength: Math.max(1, budget),
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ERR_BUFFER_TOO_LARGE") {
      ctx.add(
        "archive.bomb",
        "medium",
        `member ${entry.name} inflates past ${budget} bytes (compressed ${entry.compressedSize}): zip bomb?`,
      );
    } else {
      ctx.add(
        "invalid.zip",
        "low",
        `member ${entry.name} does not inflate: ${(error as Error).message}`,
      );
    }
    return undefined;
  }
  ctx.inflated += data.length;
  if (crc32(data) >>> 0 !== entry.crc >>> 0) {
    ctx.add("zip.crc-mismatch", "low", `member ${entry.name} fails its CRC-32 check`);
  }
  return memorySource(data);
}
