// Data files on disk (.npy, .npz) and the dataset convention: features `x` (float32 [N, ...])
// and integer labels `y` ([N]).

import { firstNonFinite, MlsecError, type Tensor } from "../core/index.js";
import { rethrowWithPath } from "./file-errors.js";
import { readFileBounded, writeFileAtomic } from "./files.js";
import { type NdArray, ndarray } from "./ndarray.js";
import { decodeNpy, encodeNpy } from "./npy.js";
import {
  decodeNpz,
  encodeNpz,
  listNpz,
  type NpzLimits,
  type NpzReadOptions,
  type NpzWriteOptions,
} from "./npz.js";

export interface ReadLimits extends NpzLimits {
  /** Largest file read into memory, in bytes. */
  readonly maxFileBytes?: number;
}

export interface Dataset {
  /** Features, float32 [N, ...]. */
  readonly x: Tensor;
  /** Class labels, one per row of x. */
  readonly y: Int32Array;
}

export async function readNpy(path: string, limits: ReadLimits = {}): Promise<NdArray> {
  const bytes = await readFileBounded(path, limits.maxFileBytes);
  try {
    return decodeNpy(bytes, limits);
  } catch (e) {
    return rethrowWithPath(e, path);
  }
}

export async function writeNpy(path: string, array: NdArray): Promise<void> {
  await writeFileAtomic(path, encodeNpy(array));
}

/** Reads named arrays from an .npz file (only `options.names` when given). */
export async function readNpz(
  path: string,
  options: ReadLimits & NpzReadOptions = {},
): Promise<Map<string, NdArray>> {
  const bytes = await readFileBounded(path, options.maxFileBytes);
  try {
    return decodeNpz(bytes, options);
  } catch (e) {
    return rethrowWithPath(e, path);
  }
}

export async function writeNpz(
  path: string,
  arrays: ReadonlyMap<string, NdArray> | Readonly<Record<string, NdArray>>,
  options: NpzWriteOptions = {},
): Promise<void> {
  await writeFileAtomic(path, encodeNpz(arrays, options));
}

/** Converts any numeric array to a float32 Tensor, refusing NaN/Infinity (E_NON_FINITE). */
export function toTensor(array: NdArray, name = "array"): Tensor {
  let data: Float32Array;
  if (array.dtype === "float32") data = array.data;
  else if (array.dtype === "int64" || array.dtype === "uint64") {
    data = Float32Array.from(array.data as ArrayLike<bigint>, (v) => Number(v));
  } else data = Float32Array.from(array.data as ArrayLike<number>);
  const bad = firstNonFinite(data);
  if (bad >= 0) {
    throw new MlsecError(
      "E_NON_FINITE",
      `${name} holds a non-finite value (${data[bad]}) at flat index ${bad}`,
      { details: { array: name, index: bad } },
    );
  }
  return { shape: [...array.shape], data };
}

/** Converts an integer array of shape [N] to Int32Array labels; every value must fit. */
export function toLabels(array: NdArray, name = "y"): Int32Array {
  if (array.shape.length !== 1) {
    throw new MlsecError("E_SHAPE_MISMATCH", `${name} must have shape [N], got [${array.shape}]`);
  }
  if (array.dtype === "int32") return array.data;
  if (array.dtype.startsWith("float") || array.dtype === "bool") {
    throw new MlsecError("E_DTYPE", `${name} must hold integer labels, got ${array.dtype}`);
  }
  const out = new Int32Array(array.data.length);
  const src = array.data as ArrayLike<number | bigint>;
  for (let i = 0; i < out.length; i++) {
    const v = Number(src[i]);
    if (v < -2147483648 || v > 2147483647) {
      throw new MlsecError("E_DTYPE", `${name}[${i}] = ${src[i]} does not fit in a 32-bit label`, {
        details: { array: name, index: i },
      });
    }
    out[i] = v;
  }
  return out;
}

function missingArray(name: string, found: readonly string[]): MlsecError {
  return new MlsecError(
    "E_DATA_MISSING_ARRAY",
    `no array '${name}' (found: ${found.join(", ") || "none"})`,
    { details: { missing: name, found: [...found] } },
  );
}

/** Builds a Dataset from named arrays `x` and `y` (E_DATA_MISSING_ARRAY when either is absent). */
export function datasetFromArrays(arrays: ReadonlyMap<string, NdArray>): Dataset {
  for (const name of ["x", "y"]) {
    if (!arrays.has(name)) throw missingArray(name, [...arrays.keys()]);
  }
  const x = toTensor(arrays.get("x")!, "x");
  const y = toLabels(arrays.get("y")!, "y");
  if (x.shape.length === 0 || x.shape[0] !== y.length) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `x has shape [${x.shape}] but y has ${y.length} labels; they need the same N`,
    );
  }
  return { x, y };
}

/** Loads an .npz data file holding `x` (features) and `y` (integer labels). */
export async function loadDataset(path: string, limits: ReadLimits = {}): Promise<Dataset> {
  const bytes = await readFileBounded(path, limits.maxFileBytes);
  try {
    // Only x and y are inflated; a missing one is reported with every array the file holds.
    const arrays = decodeNpz(bytes, { ...limits, names: ["x", "y"] });
    for (const name of ["x", "y"]) {
      if (!arrays.has(name)) throw missingArray(name, listNpz(bytes, limits));
    }
    return datasetFromArrays(arrays);
  } catch (e) {
    return rethrowWithPath(e, path);
  }
}

/** Saves a dataset as .npz: `x` float32, `y` int64 (NumPy's default integer). */
export async function saveDataset(
  path: string,
  dataset: Dataset,
  options: NpzWriteOptions = {},
): Promise<void> {
  const y = BigInt64Array.from(dataset.y, (v) => BigInt(v));
  await writeNpz(
    path,
    { x: ndarray(dataset.x.shape, dataset.x.data), y: ndarray([y.length], y) },
    options,
  );
}
