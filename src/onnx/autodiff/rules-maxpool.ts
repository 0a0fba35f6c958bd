// Gradient of MaxPool (ONNX operator spec): each output's gradient goes to the arg-max of its
// window named by the forward op's Indices output (the flat index into the input; ties resolved
// deterministically by the kernel): MaxUnpool when windows do not overlap, else a scatter-add
// since overlapping windows may pick the same element. Measured in onnxruntime on a
// [128,32,26,26] 2x2 pool, Indices cost less than ArgMax over window axes built with Transpose
// or SpaceToDepth.

import { A, attrInt, attrInts } from "../attributes.js";
import { DataType } from "../ir.js";
import { explicitPads } from "../shape-inference.js";
import type { GradContext, GradRuleEntry } from "./rule.js";

function indexedGradient(ctx: GradContext): string {
  const { node, e } = ctx;
  if (attrInt(node, "storage_order", 0) !== 0) ctx.fail("storage_order=1 is not supported");
  const x = node.input[0];
  // max-pool commutes with ReLU: the arg-max's ReLU mask is (pooled output > 0), so a folded
  // ReLU's mask is applied here on the pooled gradient, k times smaller than the input's.
  const dy = ctx.reluFolded ? e.op("Mul", [ctx.dy[0]!, e.positive(node.output[0])]) : ctx.dy[0]!;
  const kernel = attrInts(node, "kernel_shape") ?? ctx.fail("kernel_shape is missing");
  const strides = attrInts(node, "strides") ?? kernel.map(() => 1);
  const dilations = attrInts(node, "dilations") ?? kernel.map(() => 1);
  const pads = explicitPads(node, e.shape(x)?.slice(2) ?? [], kernel, strides, dilations);
  const disjoint = kernel.every((k, i) => strides[i] >= dilations[i] * (k - 1) + 1);
  // onnxruntime's MaxUnpool is float-only and checks output_shape against the floor-mode size.
  const unpool =
    disjoint &&
    pads !== null &&
    attrInt(node, "ceil_mode", 0) === 0 &&
    e.elemType(x) === DataType.FLOAT;
  if (unpool) {
    // Windows do not overlap, so every index is unique: MaxUnpool (zero-fill and assign) is
    // the scatter, and measured faster than ScatterElements with reduction in onnxruntime.
    return e.op("MaxUnpool", [dy, node.output[1], e.shapeOf(x)], {
      kernel_shape: A.ints(kernel),
      strides: A.ints(strides),
      pads: A.ints(pads),
    });
  }
  const flat = e.ints([-1]);
  const size = e.op("Reshape", [e.op("Size", [x]), flat]);
  const zeros = e.op("Expand", [e.scalar(0, x), size]);
  const scattered = e.op(
    "ScatterElements",
    [zeros, e.op("Reshape", [node.output[1], flat]), e.op("Reshape", [dy, flat])],
    { axis: A.int(0), reduction: A.string("add") },
  );
  return e.reshapeLike(scattered, x);
}

const maxPool: GradRuleEntry = {
  inputs: [0],
  foldsRelu: true,
  forwardOutputs: () => 2,
  rule: (ctx) => [indexedGradient(ctx)],
};

export const MAXPOOL_RULES: Readonly<Record<string, GradRuleEntry>> = { MaxPool: maxPool };
