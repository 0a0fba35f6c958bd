// Dispatches a byte source to the scanner for its detected format (a registry by content).
import type { ScanContext } from "./context.js";
import { detectFormat, type FormatName } from "./detect.js";
import { scanCompressed } from "./formats/compressed.js";
import { scanGguf } from "./formats/gguf.js";
import { scanHdf5 } from "./formats/hdf5.js";
import { scanKerasConfig } from "./formats/keras.js";
import { scanNpy } from "./formats/npy.js";
import { scanOnnx } from "./formats/onnx.js";
import { looksLikePickle, readPickleBytes, scanPickleStream } from "./formats/pickle.js";
import { scanSafetensors } from "./formats/safetensors.js";
import { scanSavedModel } from "./formats/savedmodel.js";
import { scanTar } from "./formats/tar.js";
import { scanZip } from "./formats/zip.js";
import { tracePickle } from "./pickle/machine.js";
import type { ByteSource } from "./source.js";

const HEAD_BYTES = 64 * 1024;

/**
 * Formats detected from a few bytes only: inside an archive, tensor data can look like them by
 * chance. There a member whose weak detection does not parse is data, not an invalid file.
 */
const WEAK: ReadonlySet<FormatName> = new Set([
  "gzip",
  "zlib",
  "onnx",
  "savedmodel",
  "safetensors",
  "lzma",
]);

/** Scans `src` (a file or an archive member named `name`) and returns the format it found. */
export function scanSource(ctx: ScanContext, src: ByteSource, name: string): FormatName {
  const head = src.read(0, Math.min(src.size, HEAD_BYTES));
  const format = detectFormat(head, src.size);
  if (ctx.depth > 0 && WEAK.has(format)) {
    const mark = ctx.findings.length;
    scanFormat(ctx, src, name, head, format);
    const added = ctx.findings.slice(mark);
    if (added.length === 0 || !added.every((f) => f.ruleId.startsWith("invalid."))) return format;
    ctx.findings.length = mark; // did not parse: treat the member as data
    return scanUnknown(ctx, src, name, head);
  }
  return scanFormat(ctx, src, name, head, format);
}

function scanFormat(
  ctx: ScanContext,
  src: ByteSource,
  name: string,
  head: Uint8Array,
  format: FormatName,
): FormatName {
  switch (format) {
    case "zip":
      scanZip(src, ctx);
      break;
    case "tar":
      scanTar(src, ctx);
      break;
    case "gzip":
    case "zlib":
    case "bzip2":
    case "xz":
    case "lzma":
      scanCompressed(src, ctx, format);
      break;
    case "npy":
      scanNpy(src, ctx);
      break;
    case "safetensors":
      scanSafetensors(src, ctx);
      break;
    case "onnx":
      scanOnnx(src, ctx);
      break;
    case "gguf":
      scanGguf(src, ctx);
      break;
    case "hdf5":
      scanHdf5(src, ctx);
      break;
    case "savedmodel":
      scanSavedModel(src, ctx);
      break;
    case "pickle": {
      const bytes = head.length === src.size ? head : readPickleBytes(src, ctx);
      if (bytes !== undefined) scanPickleStream(bytes, ctx);
      break;
    }
    case "unknown":
      return scanUnknown(ctx, src, name, head);
  }
  return format;
}

/**
 * Content without magic: a Keras config, a protocol 0/1 pickle (found by parsing it), or data.
 * Pickles hidden under innocent names (tensor data files, .json) are caught here.
 */
function scanUnknown(
  ctx: ScanContext,
  src: ByteSource,
  name: string,
  head: Uint8Array,
): FormatName {
  if (ctx.depth > 0 && /(^|\/)config\.json$/.test(name) && head[0] === 0x7b) {
    if (src.size > ctx.limits.maxHeaderBytes) {
      ctx.add(
        "invalid.limit",
        "medium",
        `${name} is over the ${ctx.limits.maxHeaderBytes}-byte bound`,
      );
    } else {
      scanKerasConfig(new TextDecoder().decode(src.read(0, src.size)), ctx);
    }
    return "unknown";
  }
  const trial = tracePickle(head, 0, ctx.limits.pickle);
  let isPickle =
    trial.status.kind === "complete"
      ? trial.opCount >= 2
      : trial.imports.length > 0 && trial.calls.length > 0;
  let bytes: Uint8Array | undefined = head.length === src.size ? head : undefined;
  // Cut off by the head window after a plausible start: read the whole member to decide.
  if (
    !isPickle &&
    trial.status.kind === "truncated" &&
    src.size > head.length &&
    trial.opCount >= 4
  ) {
    bytes = readPickleBytes(src, ctx);
    isPickle = bytes !== undefined && looksLikePickle(bytes, ctx);
  }
  if (!isPickle) return "unknown";
  if (bytes === head) scanPickleStream(head, ctx, trial);
  else {
    bytes ??= readPickleBytes(src, ctx);
    if (bytes !== undefined) scanPickleStream(bytes, ctx);
  }
  return "pickle";
}
