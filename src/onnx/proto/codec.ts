// ONNX ModelProto <-> bytes with protobufjs. Files are untrusted: sizes, counts and nesting
// are bounded, and anything protobufjs cannot decode becomes E_ONNX_PARSE.

import protobuf from "protobufjs";
import { MlsecError } from "../../core/index.js";
import type { GraphProto, ModelProto } from "../ir.js";
import { ONNX_SCHEMA } from "./schema.js";

const root = protobuf.Root.fromJSON(ONNX_SCHEMA as unknown as protobuf.INamespace);
const ModelType = root.lookupType("onnx.ModelProto");

export interface DecodeLimits {
  /** Largest accepted file, bytes (protobuf itself caps messages at 2 GiB). */
  readonly maxBytes: number;
  /** Most nodes summed over the graph and all its subgraphs. */
  readonly maxNodes: number;
  /** Deepest nesting of subgraphs (If/Loop/Scan bodies). */
  readonly maxGraphDepth: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = {
  maxBytes: 2 ** 31 - 1,
  maxNodes: 1_000_000,
  maxGraphDepth: 16,
};

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, arrays: true, enums: Number };

export function decodeModel(
  bytes: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): ModelProto {
  if (bytes.length > limits.maxBytes) {
    throw new MlsecError(
      "E_LIMIT_EXCEEDED",
      `model is ${bytes.length} bytes; the limit is ${limits.maxBytes}`,
    );
  }
  if (bytes.length === 0) throw new MlsecError("E_ONNX_PARSE", "the model file is empty");
  let model: ModelProto;
  try {
    const message = ModelType.decode(bytes);
    model = ModelType.toObject(message, TO_OBJECT) as ModelProto;
  } catch (error) {
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      throw new MlsecError("E_LIMIT_EXCEEDED", "the model's protobuf nesting is too deep", {
        cause: error,
      });
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new MlsecError("E_ONNX_PARSE", `not a valid ONNX protobuf: ${reason}`, { cause: error });
  }
  if (model.graph === undefined || model.irVersion === undefined || model.irVersion <= 0) {
    throw new MlsecError(
      "E_ONNX_PARSE",
      "the file decodes as protobuf but is not an ONNX ModelProto (no ir_version or graph)",
    );
  }
  checkGraphBounds(model.graph, limits);
  return model;
}

export function encodeModel(model: ModelProto): Uint8Array {
  const message = ModelType.fromObject(model as unknown as Record<string, unknown>);
  return ModelType.encode(message).finish();
}

function checkGraphBounds(graph: GraphProto, limits: DecodeLimits): void {
  let nodes = 0;
  const visit = (g: GraphProto, depth: number): void => {
    if (depth > limits.maxGraphDepth) {
      throw new MlsecError(
        "E_LIMIT_EXCEEDED",
        `subgraphs nest deeper than ${limits.maxGraphDepth}`,
      );
    }
    nodes += g.node.length;
    if (nodes > limits.maxNodes) {
      throw new MlsecError("E_LIMIT_EXCEEDED", `model has more than ${limits.maxNodes} nodes`);
    }
    for (const node of g.node) {
      for (const attr of node.attribute) {
        if (attr.g !== undefined) visit(attr.g, depth + 1);
        for (const sub of attr.graphs) visit(sub, depth + 1);
      }
    }
  };
  visit(graph, 0);
}
