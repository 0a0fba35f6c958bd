// NumPy .npy (NEP 1 / numpy.lib.format: magic, version, header length, Python-literal header).
// An object dtype stores a pickle after the header, which np.load(allow_pickle=True) runs.
import type { ScanContext } from "../context.js";
import { decodeLatin1 } from "../pickle/strings.js";
import type { ByteSource } from "../source.js";
import { sliceSource } from "../source.js";
import { looksLikePickle, readPickleBytes, scanPickleStream } from "./pickle.js";

/** Scans an .npy array: its header, and the pickle it embeds when its dtype holds objects. */
export function scanNpy(src: ByteSource, ctx: ScanContext): void {
  const fixed = src.read(0, 12);
  const major = fixed[6];
  const headerLength =
    major === 1
      ? fixed[8] | (fixed[9] << 8)
      : new DataView(fixed.buffer, fixed.byteOffset, 12).getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  if (![1, 2, 3].includes(major) || headerStart + headerLength > src.size) {
    ctx.add("invalid.npy", "low", `npy header (version ${major}) is malformed or truncated`);
    return;
  }
  if (headerLength > ctx.limits.maxHeaderBytes) {
    ctx.add("invalid.limit", "medium", `npy header of ${headerLength} bytes is over the bound`);
    return;
  }
  const header = decodeLatin1(src.read(headerStart, headerLength));
  const descr = /['"]descr['"]\s*:\s*(\[[\s\S]*\]|'[^']*'|"[^"]*")/.exec(header)?.[1];
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || shape === undefined) {
    ctx.add("invalid.npy", "low", "npy header lacks descr or shape");
    return;
  }
  const data = sliceSource(src, headerStart + headerLength, src.size - headerStart - headerLength);
  const isObject = /['"][|<>=]?O\d*['"]/.test(descr);
  if (isObject) {
    ctx.add("npy.object-dtype", "info", `array of dtype ${descr} stores its items as a pickle`);
    const bytes = readPickleBytes(data, ctx);
    if (bytes !== undefined) scanPickleStream(bytes, ctx);
    return;
  }
  // A plain dtype: np.load reads raw bytes, but a pickle here means the header lies.
  const dims = shape
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const simple = /^['"]([|<>=])?([a-zA-Z?])(\d*)['"]$/.exec(descr);
  if (simple !== null && dims.every((d) => /^\d+L?$/.test(d))) {
    const count = dims.reduce((n, d) => n * Number.parseInt(d, 10), 1);
    const kind = simple[2];
    const width = simple[3] !== "" ? Number(simple[3]) : "bB?".includes(kind) ? 1 : 0;
    const itemSize = kind === "U" ? width * 4 : width;
    if (itemSize > 0 && count * itemSize !== data.size) {
      ctx.add(
        "npy.size-mismatch",
        "low",
        `header says ${count} items of ${itemSize} bytes but ${data.size} bytes follow`,
      );
    }
  }
  const head = data.read(0, Math.min(data.size, 64 * 1024));
  if (head.length >= 2 && ((head[0] === 0x80 && head[1] <= 5) || looksLikePickle(head, ctx))) {
    ctx.add(
      "npy.hidden-pickle",
      "medium",
      `header declares dtype ${descr} but the data is a pickle`,
      { offset: headerStart + headerLength },
    );
    const bytes = readPickleBytes(data, ctx);
    if (bytes !== undefined) scanPickleStream(bytes, ctx);
  }
}
