// Whole-file compression (joblib compress=..., .tar.gz): gzip (RFC 1952) and zlib (RFC 1950),
// decompressed within the scan's byte budget.
import { gunzipSync, inflateSync } from "node:zlib";
import type { ScanContext } from "../context.js";
import type { ByteSource } from "../source.js";
import { memorySource } from "../source.js";

export function scanCompressed(src: ByteSource, ctx: ScanContext, kind: "gzip" | "zlib"): void {
  const budget = Math.min(ctx.limits.maxMemberBytes, ctx.limits.maxTotalInflated - ctx.inflated);
  if (src.size > ctx.limits.maxMemberBytes) {
    ctx.add("invalid.limit", "medium", `${kind} stream of ${src.size} bytes is over the bound`);
    return;
  }
  let data: Uint8Array;
  try {
    const input = src.read(0, src.size);
    const options = { maxOutputLength: Math.max(1, budget) };
    data = kind === "gzip" ? gunzipSync(input, options) : inflateSync(input, options);
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
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
