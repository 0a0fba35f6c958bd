// TensorProto <-> typed arrays. raw_data is little-endian fixed width (onnx.proto, TensorProto).

import { MlsecError } from "../core/index.js";
import { DataType, dataTypeName, type TensorProto } from "./ir.js";

export type NumericArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | BigInt64Array
  | BigUint64Array;

export interface DecodedTensor {
  readonly dataType: number;
  readonly dims: readonly number[];
  readonly data: NumericArray;
}

function elementCount(dims: readonly number[], name: string): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new MlsecError("E_ONNX_INVALID_GRAPH", `tensor "${name}" has invalid dimension ${d}`);
    }
    n *= d;
  }
  return n;
}

const RAW_CONSTRUCTORS: Partial<
  Record<number, { bytes: number; make: (b: ArrayBuffer, n: number) => NumericArray }>
> = {
  [DataType.FLOAT]: { bytes: 4, make: (b, n) => new Float32Array(b, 0, n) },
  [DataType.DOUBLE]: { bytes: 8, make: (b, n) => new Float64Array(b, 0, n) },
  [DataType.INT8]: { bytes: 1, make: (b, n) => new Int8Array(b, 0, n) },
  [DataType.UINT8]: { bytes: 1, make: (b, n) => new Uint8Array(b, 0, n) },
  [DataType.BOOL]: { bytes: 1, make: (b, n) => new Uint8Array(b, 0, n) },
  [DataType.INT16]: { bytes: 2, make: (b, n) => new Int16Array(b, 0, n) },
  [DataType.UINT16]: { bytes: 2, make: (b, n) => new Uint16Array(b, 0, n) },
  [DataType.FLOAT16]: { bytes: 2, make: (b, n) => new Uint16Array(b, 0, n) },
  [DataType.INT32]: { bytes: 4, make: (b, n) => new Int32Array(b, 0, n) },
  [DataType.INT64]: { bytes: 8, make: (b, n) => new BigInt64Array(b, 0, n) },
  [DataType.UINT64]: { bytes: 8, make: (b, n) => new BigUint64Array(b, 0, n) },
};

/** Decodes a tensor's values (raw_data or the typed fields). External data must be resolved first. */
export function decodeTensor(t: TensorProto): DecodedTensor {
  const name = t.name ?? "";
  const dataType = t.dataType ?? DataType.UNDEFINED;
  const dims = t.dims;
  const n = elementCount(dims, name);
  if (t.dataLocation === 1) {
    throw new MlsecError(
      "E_ONNX_EXTERNAL_DATA",
      `tensor "${name}" keeps its data in an external file that was not loaded`,
    );
  }
  const spec = RAW_CONSTRUCTORS[dataType];
  if (spec === undefined) {
    throw new MlsecError(
      "E_DTYPE",
      `tensor "${name}" has unsupported data type ${dataTypeName(dataType)}`,
    );
  }
  if (t.rawData !== undefined && t.rawData.length > 0) {
    if (t.rawData.length !== n * spec.bytes) {
      throw new MlsecError(
        "E_ONNX_INVALID_GRAPH",
        `tensor "${name}" of shape [${dims}] needs ${n * spec.bytes} bytes of raw data, has ${t.rawData.length}`,
      );
    }
    // Copy into an aligned buffer; the platform is little-endian (x86/ARM), as raw_data is.
    const copy = new Uint8Array(t.rawData.length);
    copy.set(t.rawData);
    return { dataType, dims, data: spec.make(copy.buffer, n) };
  }
  const values = typedFieldValues(t, dataType);
  if (values.length !== n) {
    if (n === 0 && values.length === 0)
      return { dataType, dims, data: spec.make(new ArrayBuffer(0), 0) };
    throw new MlsecError(
      "E_ONNX_INVALID_GRAPH",
      `tensor "${name}" of shape [${dims}] needs ${n} values, has ${values.length}`,
    );
  }
  const data = spec.make(new ArrayBuffer(n * spec.bytes), n);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < n; i++) data[i] = BigInt(values[i]);
  } else {
    for (let i = 0; i < n; i++) data[i] = values[i];
  }
  return { dataType, dims, data };
}

function typedFieldValues(t: TensorProto, dataType: number): readonly number[] {
  switch (dataType) {
    case DataType.FLOAT:
      return t.floatData;
    case DataType.DOUBLE:
      return t.doubleData;
    case DataType.INT64:
      return t.int64Data;
    case DataType.UINT64:
    case DataType.UINT32:
      return t.uint64Data;
    default:
      return t.int32Data;
  }
}

/** A tensor's values as float32 (any numeric type converts; int64 beyond 2^53 loses precision). */
export function tensorToFloat32(t: TensorProto): Float32Array {
  const { data } = decodeTensor(t);
  if (data instanceof Float32Array) return data;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
  return out;
}

/** A tensor's values as plain numbers (for shape/axes constants). */
export function tensorToNumbers(t: TensorProto): number[] {
  const { data } = decodeTensor(t);
  return Array.from(data as ArrayLike<number | bigint>, (v) => Number(v));
}

/** A tensor holding `data` as little-endian raw bytes, after checking it fits `dims`. */
function rawTensor(
  name: string,
  dims: readonly number[],
  dataType: number,
  data: NumericArray,
): TensorProto {
  if (data.length !== elementCount(dims, name)) {
    throw new MlsecError(
      "E_SHAPE_MISMATCH",
      `tensor "${name}" of shape [${dims}] cannot hold ${data.length} values`,
    );
  }
  return {
    name,
    dims: [...dims],
    dataType,
    rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
    floatData: [],
    int32Data: [],
    int64Data: [],
    doubleData: [],
    uint64Data: [],
    stringData: [],
    externalData: [],
  };
}

export function floatTensor(
  name: string,
  dims: readonly number[],
  values: Float32Array | readonly number[],
): TensorProto {
  const data = values instanceof Float32Array ? values : Float32Array.from(values);
  return rawTensor(name, dims, DataType.FLOAT, data);
}

export function doubleTensor(
  name: string,
  dims: readonly number[],
  values: readonly number[],
): TensorProto {
  return rawTensor(name, dims, DataType.DOUBLE, Float64Array.from(values));
}

export function int64Tensor(
  name: string,
  dims: readonly number[],
  values: readonly number[],
): TensorProto {
  return rawTensor(
    name,
    dims,
    DataType.INT64,
    BigInt64Array.from(values, (v) => BigInt(v)),
  );
}

export function int32Tensor(
  name: string,
  dims: readonly number[],
  values: readonly number[],
): TensorProto {
  return rawTensor(name, dims, DataType.INT32, Int32Array.from(values));
}

export function boolTensor(
  name: string,
  dims: readonly number[],
  values: readonly boolean[],
): TensorProto {
  return rawTensor(
    name,
    dims,
    DataType.BOOL,
    Uint8Array.from(values, (v) => (v ? 1 : 0)),
  );
}
