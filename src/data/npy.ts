// NumPy .npy format versions 1.0, 2.0 and 3.0 (NEP 1; numpy/lib/format.py docstring).
// Layout: magic "\x93NUMPY", major, minor, header length (u16 LE for 1.x, u32 LE for 2.x/3.x),
// a Python-dict header ('descr', 'fortran_order', 'shape'), then the raw element bytes.

import { MlsecError } from "../core/index.js";
import {
  allocate,
  type DType,
  itemSize,
  type NdArray,
  type TypedArray,
  viewOf,
} from "./ndarray.js";
import { type PyValue, parsePyLiteral } from "./npy-header.js";

const isLittleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export interface NpyLimits {
  /** Largest header in bytes (NumPy itself refuses headers over 10,000 bytes by default). */
  readonly maxHeaderBytes?: number;
  /** Most dimensions (NumPy's own NPY_MAXDIMS is 64). */
  readonly maxDims?: number;
  /** Most elements in one array. */
  readonly maxElements?: number;
}

export const DEFAULT_NPY_LIMITS: Required<NpyLimits> = {
  maxHeaderBytes: 65_536,
  maxDims: 64,
  maxElements: 2 ** 31 - 1,
};

const KIND: Record<string, Partial<Record<number, DType>>> = {
  b: { 1: "bool" },
  i: { 1: "int8", 2: "int16", 4: "int32", 8: "int64" },
  u: { 1: "uint8", 2: "uint16", 4: "uint32", 8: "uint64" },
  f: { 4: "float32", 8: "float64" },
};

const DESCR: Record<DType, string> = {
  bool: "|b1",
  int8: "|i1",
  uint8: "|u1",
  int16: "<i2",
  uint16: "<u2",
  int32: "<i4",
  uint32: "<u4",
  int64: "<i8",
  uint64: "<u8",
  float32: "<f4",
  float64: "<f8",
};

function formatError(message: string): MlsecError {
  return new MlsecError("E_DATA_FORMAT", message);
}

/** Maps a NumPy type string such as '<f4' to a dtype and its byte order. */
export function parseDescr(descr: PyValue): { dtype: DType; bigEndian: boolean } {
  if (typeof descr !== "string") {
    throw new MlsecError("E_DTYPE", "structured (record) dtypes are not supported", {
      hint: "Save plain numeric arrays, one array per field.",
    });
  }
  const m = /^([<>|=]?)([a-zA-Z])(\d*)$/.exec(descr);
  if (m !== null && m[2] === "O") {
    throw new MlsecError(
      "E_DTYPE",
      "object arrays (dtype '|O') are pickled Python objects; loading them would mean unpickling",
      {
        hint: "Never unpickle untrusted files. Scan the file with `mlsec scan`, or re-save it as a numeric array.",
      },
    );
  }
  const dtype = m === null ? undefined : KIND[m[2]]?.[Number(m[3])];
  if (m === null || dtype === undefined) {
    throw new MlsecError("E_DTYPE", `unsupported .npy dtype '${descr}'`, {
      hint: "Supported: bool, int8/16/32/64, uint8/16/32/64, float32, float64.",
    });
  }
  // '=' means native order of the machine that wrote it; NumPy writers never emit it.
  return { dtype, bigEndian: m[1] === ">" || (m[1] === "=" && !isLittleEndianHost) };
}

function readShape(value: PyValue | undefined, limits: Required<NpyLimits>): number[] {
  if (
    value === null ||
    typeof value !== "object" ||
    Array.isArray(value) ||
    value.kind !== "tuple"
  ) {
    throw formatError("bad .npy header: 'shape' must be a tuple");
  }
  if (value.items.length > limits.maxDims) {
    throw new MlsecError(
      "E_LIMIT_EXCEEDED",
      `.npy array has ${value.items.length} dimensions (limit ${limits.maxDims})`,
    );
  }
  return value.items.map((d) => {
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) {
      throw formatError(`bad .npy header: dimension ${JSON.stringify(d)} is not a size`);
    }
    return d;
  });
}

/** Reorders a Fortran-order (column-major) buffer into C order. */
function fortranToC(dtype: DType, src: TypedArray, shape: readonly number[]): TypedArray {
  const n = src.length;
  const dst = allocate(dtype, n);
  const rank = shape.length;
  const fStride = new Array<number>(rank);
  let s = 1;
  for (let k = 0; k < rank; k++) {
    fStride[k] = s;
    s *= shape[k];
  }
  const index = new Array<number>(rank).fill(0);
  let f = 0;
  for (let c = 0; c < n; c++) {
    (dst as unknown as unknown[])[c] = (src as unknown as unknown[])[f];
    for (let k = rank - 1; k >= 0; k--) {
      index[k]++;
      f += fStride[k];
      if (index[k] < shape[k]) break;
      f -= fStride[k] * index[k];
      index[k] = 0;
    }
  }
  return dst;
}

/** Decodes one .npy file held in memory. Every byte of `bytes` is treated as hostile. */
export function decodeNpy(bytes: Uint8Array, limitsIn: NpyLimits = {}): NdArray {
  const limits = { ...DEFAULT_NPY_LIMITS, ...limitsIn };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw formatError("not a .npy file (missing the \\x93NUMPY magic)");
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (major < 1 || major > 3 || minor !== 0) {
    throw formatError(`unsupported .npy format version ${major}.${minor}`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw formatError(".npy file is truncated in its preamble");
  const headerLength = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  if (headerLength > limits.maxHeaderBytes) {
    throw new MlsecError(
      "E_LIMIT_EXCEEDED",
      `.npy header is ${headerLength} bytes (limit ${limits.maxHeaderBytes})`,
    );
  }
  const dataStart = 8 + lengthBytes + headerLength;
  if (dataStart > bytes.length) throw formatError(".npy file is truncated inside its header");
  const headerBytes = bytes.subarray(8 + lengthBytes, dataStart);
  // Versions 1.0 and 2.0 store the header as latin-1, 3.0 as UTF-8.
  let header: string;
  try {
    header = new TextDecoder(major === 3 ? "utf-8" : "latin1", { fatal: true }).decode(headerBytes);
  } catch {
    throw formatError(".npy header is not valid text");
  }
  let dict: PyValue;
  try {
    dict = parsePyLiteral(header);
  } catch (e) {
    if (e instanceof MlsecError) throw e;
    throw formatError(`bad .npy header: ${String(e)}`);
  }
  if (dict === null || typeof dict !== "object" || Array.isArray(dict) || dict.kind !== "dict") {
    throw formatError("bad .npy header: not a dict");
  }
  const keys = [...dict.entries.keys()].sort().join(",");
  if (keys !== "descr,fortran_order,shape") {
    throw formatError(`bad .npy header: keys must be descr, fortran_order, shape (got ${keys})`);
  }
  const { dtype, bigEndian } = parseDescr(dict.entries.get("descr")!);
  const fortran = dict.entries.get("fortran_order");
  if (typeof fortran !== "boolean") throw formatError("bad .npy header: fortran_order not a bool");
  const shape = readShape(dict.entries.get("shape"), limits);

  let count = 1;
  for (const d of shape) count *= d;
  if (count > limits.maxElements) {
    throw new MlsecError(
      "E_LIMIT_EXCEEDED",
      `.npy array has ${count} elements (limit ${limits.maxElements})`,
    );
  }
  const size = itemSize(dtype);
  const need = count * size;
  const have = bytes.length - dataStart;
  if (have < need) {
    throw formatError(
      `.npy data is truncated: shape [${shape}] needs ${need} bytes, found ${have}`,
    );
  }
  if (have > need) throw formatError(`.npy file has ${have - need} trailing bytes after the data`);

  // Copy into a fresh, aligned buffer, swapping bytes for big-endian descriptors.
  // (A fresh copy: Node Buffers' slice() would return a view into a shared pool.)
  const raw = new Uint8Array(need);
  raw.set(bytes.subarray(dataStart, dataStart + need));
  if (bigEndian === isLittleEndianHost && size > 1) {
    for (let i = 0; i < need; i += size) raw.subarray(i, i + size).reverse();
  }
  let data = viewOf(dtype, raw.buffer, 0, count);
  if (dtype === "bool" && (data as Uint8Array).some((v) => v > 1)) {
    throw formatError(".npy bool array holds values other than 0 and 1");
  }
  if (fortran && shape.length > 1) data = fortranToC(dtype, data, shape);
  return { dtype, shape, data } as NdArray;
}

/** Encodes an array as .npy (version 1.0, or 2.0 when the header needs it), little-endian. */
export function encodeNpy(array: NdArray): Uint8Array {
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(", ")})`;
  let dict = `{'descr': '${DESCR[array.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Like numpy.lib.format: reserve room for the first dimension to grow to 21 digits, then pad
  // with spaces so magic + length + header is a multiple of 64, ending in "\n".
  if (array.shape.length > 0) dict += " ".repeat(Math.max(0, 21 - String(array.shape[0]).length));
  let lengthBytes = 2;
  let total = 10 + dict.length + 1 + (64 - ((10 + dict.length + 1) % 64));
  if (total - 10 > 0xffff) {
    lengthBytes = 4;
    total = 12 + dict.length + 1 + (64 - ((12 + dict.length + 1) % 64));
  }
  const headerLength = total - 8 - lengthBytes;
  const header = dict + " ".repeat(headerLength - dict.length - 1) + "\n";
  const body = new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const out = new Uint8Array(total + body.length);
  out.set(MAGIC, 0);
  out[6] = lengthBytes === 2 ? 1 : 2;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (lengthBytes === 2) dv.setUint16(8, headerLength, true);
  else dv.setUint32(8, headerLength, true);
  for (let i = 0; i < header.length; i++) out[total - headerLength + i] = header.charCodeAt(i);
  out.set(body, total);
  if (!isLittleEndianHost && itemSize(array.dtype) > 1) {
    const size = itemSize(array.dtype);
    for (let i = total; i < out.length; i += size) out.subarray(i, i + size).reverse();
  }
  return out;
}
