// Whole-file compression (joblib compress=..., .tar.gz): gzip (RFC 1952), zlib (RFC 1950),
// bzip2, xz and legacy .lzma, decompressed within the scan's byte budget.
import { gunzipSync, inflateSync } from "node:zlib";
import Bunzip from "seek-bzip";
import type { ScanContext } from "../context.js";
import type { ByteSource } from "../source.js";
import { memorySource } from "../source.js";
import { DecompressError, Output, OutputLimitError } from "./bounded-output.js";
import { decompressLzmaAlone, decompressXz } from "./lzma.js";

export type Compression = "gzip" | "zlib" | "bzip2" | "xz" | "lzma";

const truncated = (): never => {
  throw new DecompressError("bzip2 data ends early");
};

/**
 * bzip2 through seek-bzip, which reads only `input` (a read past its end throws, so a truncated
 * stream cannot be decoded as zeros) and writes only into the bounded sink.
 */
function bunzip2(input: Uint8Array, limit: number): Uint8Array {
  const out = new Output(limit, input.length * 4);
  let pos = 0;
  const stream = {
    readByte: () => (pos < input.length ? input[pos++] : truncated()),
    read: (buffer: Uint8Array, offset: number, length: number) => {
      const n = Math.min(length, input.length - pos);
      if (n <= 0) return -1;
      buffer.set(input.subarray(pos, pos + n), offset);
      pos += n;
      return n;
    },
    seek: (to: number) => {
      pos = to;
    },
    eof: () => pos >= input.length,
  };
  Bunzip.decode(stream, out, true);
  return out.result();
}

/** The whole decompressed stream; throws OutputLimitError past `limit` bytes. */
export function decompress(kind: Compression, input: Uint8Array, limit: number): Uint8Array {
  const options = { maxOutputLength: Math.max(1, limit) };
  switch (kind) {
    case "gzip":
      return gunzipSync(input, options);
    case "zlib":
      return inflateSync(input, options);
    case "bzip2":
      return bunzip2(input, limit);
    case "xz":
      return decompressXz(input, limit);
    case "lzma":
      return decompressLzmaAlone(input, limit);
  }
}

export function scanCompressed(src: ByteSource, ctx: ScanContext, kind: Compression): void {
  const budget = Math.min(ctx.limits.maxMemberBytes, ctx.limits.maxTotalInflated - ctx.inflated);
  if (src.size > ctx.limits.maxMemberBytes) {
    ctx.add("invalid.limit", "medium", `${kind} stream of ${src.size} bytes is over the bound`);
    return;
  }
  let data: Uint8Array;
  try {
    data = decompress(kind, src.read(0, src.size), budget);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (error instanceof OutputLimitError || code === "ERR_BUFFER_TOO_LARGE") {
      ctx.add("archive.bomb", "medium", `${kind} stream inflates past ${budget} bytes: bomb?`);
    } else {
      ctx.add(
        "invalid.compressed",
        "low",
        `${kind} stream is corrupt: ${(error as Error).message}`,
      );
    }
    return;
  }
  ctx.inflated += data.length;
  ctx.nested(memorySource(data), `<${kind}>`);
}
