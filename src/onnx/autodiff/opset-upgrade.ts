// Lifts opset 11-12 graphs to opset 13 semantics for the ops whose signatures changed in 13
// (ONNX Changelog, ai.onnx opset 13: Squeeze/Unsqueeze/ReduceSum/Split axes become inputs;
// Softmax/LogSoftmax stop coercing to 2-D). Graphs with any other op are left alone.

import { A, type Attr, attrInt, attrInts, toAttributeProto } from "../attributes.js";
import { GraphBuilder } from "../builder.js";
import type { GraphProto, NodeProto } from "../ir.js";

/** Ops whose opset 11/12 form means the same at opset 13-17, or that the rewrite below fixes. */
const SAFE_FROM_11 = new Set(
  `Abs Add And ArgMax ArgMin AveragePool BatchNormalization Cast Ceil Clip Concat Constant
  ConstantOfShape Conv ConvTranspose Div Dropout Equal Exp Expand Flatten Floor Gather
  GatherElements Gemm GlobalAveragePool GlobalMaxPool Greater Identity LeakyRelu Less Log
  LogSoftmax MatMul Max MaxPool Mean Min Mul Neg Not Or Pad Pow Range Reciprocal ReduceL2
  ReduceLogSumExp ReduceMax ReduceMean ReduceMin ReduceProd ReduceSum Relu Reshape Shape Sigmoid
  Sign Size Slice Softmax Sqrt Squeeze Sub Sum Tanh Transpose Unsqueeze Where`.split(/\s+/),
);

const AXES_TO_INPUT = new Set(["Squeeze", "Unsqueeze", "ReduceSum"]);

/** The graph rewritten for opset 13, or null when it holds an op this cannot vouch for. */
export function upgradeGraphTo13(graph: GraphProto): GraphProto | null {
  const isDefault = (n: NodeProto) => !n.domain || n.domain === "ai.onnx";
  if (graph.node.some((n) => !isDefault(n) || !SAFE_FROM_11.has(n.opType ?? ""))) return null;
  const b = new GraphBuilder(graph); // for fresh names and new initializers
  const nodes: NodeProto[] = [];
  const helper = (opType: string, input: string[], attrs: Record<string, Attr>): string => {
    const output = b.fresh(opType);
    nodes.push({
      name: b.fresh(`${opType}_node`),
      opType,
      domain: "",
      input,
      output: [output],
      attribute: Object.entries(attrs).map(([k, v]) => toAttributeProto(k, v)),
    });
    return output;
  };
  for (const node of graph.node) {
    const op = node.opType ?? "";
    const axes = attrInts(node, "axes");
    if (AXES_TO_INPUT.has(op) && axes !== undefined) {
      nodes.push({
        ...node,
        input: [node.input[0], b.int64Constant(axes)],
        attribute: node.attribute.filter((a) => a.name !== "axes"),
      });
    } else if (op === "Softmax" || op === "LogSoftmax") {
      // Before 13: flatten to [prod(dims < axis), prod(dims >= axis)], normalise each row.
      const x = node.input[0];
      const flat = helper("Flatten", [x], { axis: A.int(attrInt(node, "axis", 1)) });
      const norm = helper(op, [flat], { axis: A.int(1) });
      const shape = helper("Shape", [x], {});
      nodes.push({ ...node, opType: "Reshape", input: [norm, shape], attribute: [] });
    } else {
      nodes.push(node);
    }
  }
  return { ...b.build(), node: nodes };
}
