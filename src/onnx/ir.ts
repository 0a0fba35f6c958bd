// Plain-data view of an ONNX model (the shapes protobufjs decodes to, with camelCase names).
// Scalars at their protobuf default may be absent; repeated fields are always arrays.

export const DataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

export const AttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

export interface StringStringEntry {
  key?: string;
  value?: string;
}

export interface TensorProto {
  name?: string;
  dims: number[];
  dataType?: number;
  rawData?: Uint8Array;
  floatData: number[];
  int32Data: number[];
  int64Data: number[];
  doubleData: number[];
  uint64Data: number[];
  stringData: Uint8Array[];
  externalData: StringStringEntry[];
  dataLocation?: number;
  docString?: string;
}

export interface AttributeProto {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  floats: number[];
  ints: number[];
  strings: Uint8Array[];
  tensors: TensorProto[];
  graphs: GraphProto[];
  refAttrName?: string;
  docString?: string;
}

export interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  opType?: string;
  domain?: string;
  attribute: AttributeProto[];
  docString?: string;
}

export interface Dimension {
  dimValue?: number;
  dimParam?: string;
  denotation?: string;
}

export interface TypeProto {
  tensorType?: { elemType?: number; shape?: { dim: Dimension[] } };
  sequenceType?: { elemType?: TypeProto };
  mapType?: { keyType?: number; valueType?: TypeProto };
  optionalType?: { elemType?: TypeProto };
  sparseTensorType?: { elemType?: number; shape?: { dim: Dimension[] } };
  denotation?: string;
}

export interface ValueInfoProto {
  name?: string;
  type?: TypeProto;
  docString?: string;
}

export interface GraphProto {
  node: NodeProto[];
  name?: string;
  initializer: TensorProto[];
  sparseInitializer: unknown[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo: ValueInfoProto[];
  docString?: string;
}

export interface OperatorSetId {
  domain?: string;
  version?: number;
}

export interface ModelProto {
  irVersion?: number;
  opsetImport: OperatorSetId[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph?: GraphProto;
  metadataProps: StringStringEntry[];
  functions: unknown[];
}

/** A dimension: a fixed size, or a symbolic name (e.g. "batch"), or unknown. */
export type Dim = number | string | null;

export interface TensorTypeInfo {
  readonly name: string;
  readonly elemType: number;
  readonly shape: readonly Dim[] | null;
}

/** Name and elem type/shape of a graph input or output that is a tensor. */
export function tensorTypeOf(info: ValueInfoProto): TensorTypeInfo | null {
  const t = info.type?.tensorType;
  if (t === undefined) return null;
  const shape =
    t.shape === undefined
      ? null
      : t.shape.dim.map((d): Dim => (d.dimValue !== undefined ? d.dimValue : (d.dimParam ?? null)));
  return { name: info.name ?? "", elemType: t.elemType ?? DataType.UNDEFINED, shape };
}

/** The default-domain opset version a model imports (the one ONNX ops bind to). */
export function onnxOpsetVersion(model: ModelProto): number | undefined {
  const entry = model.opsetImport.find(
    (o) => o.domain === undefined || o.domain === "" || o.domain === "ai.onnx",
  );
  return entry?.version;
}

export function dataTypeName(code: number): string {
  const entry = Object.entries(DataType).find(([, v]) => v === code);
  return entry === undefined ? `UNKNOWN(${code})` : entry[0].toLowerCase();
}
