// A typed n-dimensional array in C (row-major) order: what .npy/.npz files hold.

import { MlsecError, sizeOf } from "../core/index.js";

/** Element types mlsec reads and writes (NumPy names). */
export type DType =
  | "bool"
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "float32"
  | "float64";

export interface DTypeArrays {
  bool: Uint8Array;
  int8: Int8Array;
  uint8: Uint8Array;
  int16: Int16Array;
  uint16: Uint16Array;
  int32: Int32Array;
  uint32: Uint32Array;
  int64: BigInt64Array;
  uint64: BigUint64Array;
  float32: Float32Array;
  float64: Float64Array;
}

export type TypedArray = DTypeArrays[DType];

/** An array of one dtype; `data.length` equals the product of `shape` (1 for a scalar). */
export type NdArray = {
  [D in DType]: {
    readonly dtype: D;
    readonly shape: readonly number[];
    readonly data: DTypeArrays[D];
  };
}[DType];

export const DTYPES: readonly DType[] = [
  "bool",
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
  "float32",
  "float64",
];

const ITEM_SIZE: Record<DType, number> = {
  bool: 1,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  float32: 4,
  float64: 8,
};

export function itemSize(dtype: DType): number {
  return ITEM_SIZE[dtype];
}

/** A zeroed typed array for `length` elements of `dtype`. */
export function allocate(dtype: DType, length: number): TypedArray {
  return viewOf(dtype, new ArrayBuffer(length * ITEM_SIZE[dtype]), 0, length);
}

/** A typed-array view of `length` elements at `byteOffset` (which must be aligned). */
export function viewOf(
  dtype: DType,
  buffer: ArrayBufferLike,
  byteOffset: number,
  length: number,
): TypedArray {
  switch (dtype) {
    case "bool":
    case "uint8":
      return new Uint8Array(buffer, byteOffset, length);
    case "int8":
      return new Int8Array(buffer, byteOffset, length);
    case "int16":
      return new Int16Array(buffer, byteOffset, length);
    case "uint16":
      return new Uint16Array(buffer, byteOffset, length);
    case "int32":
      return new Int32Array(buffer, byteOffset, length);
    case "uint32":
      return new Uint32Array(buffer, byteOffset, length);
    case "int64":
      return new BigInt64Array(buffer, byteOffset, length);
    case "uint64":
      return new BigUint64Array(buffer, byteOffset, length);
    case "float32":
      return new Float32Array(buffer, byteOffset, length);
    case "float64":
      return new Float64Array(buffer, byteOffset, length);
  }
}

function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Uint32Array) return "uint32";
  if (data instanceof BigInt64Array) return "int64";
  if (data instanceof BigUint64Array) return "uint64";
  if (data instanceof Int16Array) return "int16";
  if (data instanceof Uint16Array) return "uint16";
  if (data instanceof Int8Array) return "int8";
  return "uint8";
}

/**
 * Builds a checked NdArray. `dtype` defaults to the typed array's natural dtype; pass
 * "bool" explicitly for a Uint8Array of 0/1 values.
 */
export function ndarray(
  shape: readonly number[],
  data: TypedArray,
  dtype: DType = dtypeOfArray(data),
): NdArray {
  const expected = dtype === "bool" ? "uint8" : dtype;
  if (dtypeOfArray(data) !== expected && !(expected === "uint8" && data instanceof Uint8Array)) {
    throw new MlsecError("E_DTYPE", `a ${data.constructor.name} cannot hold dtype ${dtype}`);
  }
  if (dtype === "bool" && (data as Uint8Array).some((v) => v > 1)) {
    throw new MlsecError("E_INVALID_ARGUMENT", "a bool array may hold only 0 and 1");
  }
  const n = sizeOf(shape);
  if (data.length !== n) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `an array of shape [${shape}] needs ${n} values, got ${data.length}`,
    );
  }
  return { dtype, shape: [...shape], data } as NdArray;
}
