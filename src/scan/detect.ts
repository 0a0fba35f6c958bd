// Format detection by content (magic bytes and structure), never by file extension alone.

export type FormatName =
  | "zip"
  | "tar"
  | "gzip"
  | "zlib"
  | "bzip2"
  | "xz"
  | "lzma"
  | "npy"
  | "hdf5"
  | "gguf"
  | "safetensors"
  | "pickle"
  | "onnx"
  | "savedmodel"
  | "unknown";

const startsWith = (head: Uint8Array, magic: readonly number[], at = 0): boolean =>
  head.length >= at + magic.length && magic.every((b, i) => head[at + i] === b);

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const ZIP_LOCAL = ascii("PK\x03\x04");
const ZIP_EMPTY = ascii("PK\x05\x06");
const USTAR = ascii("ustar");
const BZIP2 = ascii("BZh");
const NUMPY = ascii("\x93NUMPY");
const GGUF = ascii("GGUF");

/**
 * Detects a format from the first bytes (at least 512 for tar) and the total size. Pickles of
 * protocols 0 and 1 have no magic: they come back as "unknown" here and the caller tries to
 * parse them (see scan-source.ts).
 */
export function detectFormat(head: Uint8Array, size: number): FormatName {
  if (startsWith(head, ZIP_LOCAL) || startsWith(head, ZIP_EMPTY)) return "zip";
  if (startsWith(head, USTAR, 257)) return "tar";
  if (startsWith(head, [0x1f, 0x8b, 0x08])) return "gzip";
  if (isBzip2(head)) return "bzip2";
  if (startsWith(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return "xz";
  // Legacy .lzma (joblib compress="lzma"): lc=3 lp=0 pb=2, a dictionary size that is a multiple
  // of 64 KiB, as every encoder preset writes (joblib detects it by these three bytes too).
  if (startsWith(head, [0x5d, 0x00, 0x00]) && head.length >= 13) return "lzma";
  if (startsWith(head, NUMPY)) return "npy";
  if (startsWith(head, [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])) return "hdf5";
  if (startsWith(head, GGUF)) return "gguf";
  if (head.length >= 2 && head[0] === 0x80 && head[1] >= 2 && head[1] <= 5) return "pickle";
  if (head.length >= 10) {
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const n = view.getBigUint64(0, true);
    if (n > 1n && n <= BigInt(size - 8) && head[8] === 0x7b) return "safetensors";
  }
  // zlib stream (joblib compress=True): CMF 0x78 and a header checksum divisible by 31.
  if (head.length >= 2 && head[0] === 0x78 && ((head[0] << 8) | head[1]) % 31 === 0) {
    return "zlib";
  }
  // SavedModel: saved_model_schema_version = 1 (field 1), then meta_graphs (field 2, a message).
  if (head.length >= 3 && head[0] === 0x08 && head[1] === 0x01 && head[2] === 0x12) {
    return "savedmodel";
  }
  if (looksLikeOnnx(head)) return "onnx";
  return "unknown";
}

/** "BZh", a block size digit, then a block or end-of-stream magic number. */
function isBzip2(head: Uint8Array): boolean {
  if (!startsWith(head, BZIP2) || head[3] < 0x31 || head[3] > 0x39) return false;
  return (
    startsWith(head, [0x31, 0x41, 0x59, 0x26, 0x53, 0x59], 4) ||
    startsWith(head, [0x17, 0x72, 0x45, 0x38, 0x50, 0x90], 4)
  );
}

/**
 * ONNX ModelProto starts with field 1 `ir_version` (varint, tag 0x08) in every exporter we know,
 * followed by other ModelProto fields; the ONNX scanner validates the rest.
 */
function looksLikeOnnx(head: Uint8Array): boolean {
  if (head.length < 4 || head[0] !== 0x08) return false;
  let i = 1;
  while (i < head.length && head[i] & 0x80) i++;
  const version = head[1] & 0x7f;
  const next = head[i + 1];
  // next tag: a length-delimited field among producer_name(2)..opset_import(8), or metadata
  return (
    i < 4 &&
    version >= 1 &&
    version <= 20 &&
    [0x12, 0x1a, 0x22, 0x2a, 0x32, 0x3a, 0x42].includes(next)
  );
}

/** Formats that each file extension may hold; a mismatch with the content is a finding. */
export const EXTENSION_FORMATS: Readonly<Record<string, readonly FormatName[]>> = {
  pkl: ["pickle", "gzip", "zlib", "bzip2", "xz", "lzma"],
  pickle: ["pickle", "gzip", "zlib", "bzip2", "xz", "lzma"],
  joblib: ["pickle", "gzip", "zlib", "bzip2", "xz", "lzma"],
  pt: ["zip", "pickle", "tar"],
  pth: ["zip", "pickle", "tar"],
  ckpt: ["zip", "pickle", "tar"],
  bin: ["zip", "pickle", "tar", "unknown"],
  npy: ["npy"],
  npz: ["zip"],
  onnx: ["onnx"],
  pb: ["savedmodel", "unknown"],
  safetensors: ["safetensors"],
  gguf: ["gguf"],
  keras: ["zip"],
  h5: ["hdf5"],
  hdf5: ["hdf5"],
  zip: ["zip"],
  tar: ["tar"],
  gz: ["gzip"],
  tgz: ["gzip"],
  bz2: ["bzip2"],
  xz: ["xz"],
  lzma: ["lzma"],
  json: ["unknown"],
  txt: ["unknown"],
};
