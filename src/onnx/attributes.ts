// Typed construction and reading of NodeProto attributes.

import { MlsecError } from "../core/index.js";
import {
  type AttributeProto,
  AttributeType,
  type GraphProto,
  type NodeProto,
  type TensorProto,
} from "./ir.js";

export type Attr =
  | { readonly kind: "int"; readonly value: number }
  | { readonly kind: "float"; readonly value: number }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "ints"; readonly value: readonly number[] }
  | { readonly kind: "floats"; readonly value: readonly number[] }
  | { readonly kind: "tensor"; readonly value: TensorProto }
  | { readonly kind: "graph"; readonly value: GraphProto };

export const A = {
  int: (value: number): Attr => ({ kind: "int", value }),
  float: (value: number): Attr => ({ kind: "float", value }),
  string: (value: string): Attr => ({ kind: "string", value }),
  ints: (value: readonly number[]): Attr => ({ kind: "ints", value }),
  floats: (value: readonly number[]): Attr => ({ kind: "floats", value }),
  tensor: (value: TensorProto): Attr => ({ kind: "tensor", value }),
  graph: (value: GraphProto): Attr => ({ kind: "graph", value }),
};

export function toAttributeProto(name: string, attr: Attr): AttributeProto {
  const base: AttributeProto = { name, floats: [], ints: [], strings: [], tensors: [], graphs: [] };
  switch (attr.kind) {
    case "int":
      return { ...base, type: AttributeType.INT, i: attr.value };
    case "float":
      return { ...base, type: AttributeType.FLOAT, f: attr.value };
    case "string":
      return { ...base, type: AttributeType.STRING, s: new TextEncoder().encode(attr.value) };
    case "ints":
      return { ...base, type: AttributeType.INTS, ints: [...attr.value] };
    case "floats":
      return { ...base, type: AttributeType.FLOATS, floats: [...attr.value] };
    case "tensor":
      return { ...base, type: AttributeType.TENSOR, t: attr.value };
    case "graph":
      return { ...base, type: AttributeType.GRAPH, g: attr.value };
  }
}

function find(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute.find((a) => a.name === name);
}

function wrongType(node: NodeProto, name: string, expected: string): MlsecError {
  return new MlsecError(
    "E_ONNX_INVALID_GRAPH",
    `attribute "${name}" of node "${node.name ?? ""}" (${node.opType}) should be ${expected}`,
  );
}

export function hasAttr(node: NodeProto, name: string): boolean {
  return find(node, name) !== undefined;
}

export function attrInt(node: NodeProto, name: string, fallback: number): number {
  const a = find(node, name);
  if (a === undefined) return fallback;
  if (a.type !== undefined && a.type !== AttributeType.INT) throw wrongType(node, name, "an int");
  return a.i ?? 0;
}

export function attrFloat(node: NodeProto, name: string, fallback: number): number {
  const a = find(node, name);
  if (a === undefined) return fallback;
  if (a.type !== undefined && a.type !== AttributeType.FLOAT)
    throw wrongType(node, name, "a float");
  return a.f ?? 0;
}

export function attrInts(node: NodeProto, name: string): number[] | undefined {
  const a = find(node, name);
  if (a === undefined) return undefined;
  if (a.type !== undefined && a.type !== AttributeType.INTS)
    throw wrongType(node, name, "a list of ints");
  return a.ints;
}

export function attrString(node: NodeProto, name: string, fallback: string): string {
  const a = find(node, name);
  if (a === undefined) return fallback;
  if (a.type !== undefined && a.type !== AttributeType.STRING)
    throw wrongType(node, name, "a string");
  return new TextDecoder().decode(a.s ?? new Uint8Array());
}

export function attrTensor(node: NodeProto, name: string): TensorProto | undefined {
  const a = find(node, name);
  if (a === undefined) return undefined;
  if (a.type !== undefined && a.type !== AttributeType.TENSOR)
    throw wrongType(node, name, "a tensor");
  return a.t;
}
