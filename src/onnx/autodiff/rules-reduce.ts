// Gradients of Softmax/LogSoftmax (opset >= 13 single-axis semantics), ReduceSum, ReduceMean and
// GlobalAveragePool (ONNX operator spec). Softmax: dx = y (dy - sum(dy y)); LogSoftmax:
// dx = dy - softmax(x) sum(dy); reductions broadcast dy back over the reduced axes.

import { A, attrInt, attrInts } from "../attributes.js";
import { normalizeAxis, staticSize } from "../shape-inference.js";
import type { GradContext, GradRuleEntry } from "./rule.js";

const softmax: GradRuleEntry = {
  inputs: [0],
  rule: (ctx) => {
    const e = ctx.e;
    const y = ctx.node.output[0];
    const dy = ctx.dy[0]!;
    const axis = attrInt(ctx.node, "axis", -1);
    const dot = e.reduce("ReduceSum", e.op("Mul", [dy, y]), [axis], true);
    return [e.op("Mul", [y, e.op("Sub", [dy, dot])])];
  },
};

const logSoftmax: GradRuleEntry = {
  inputs: [0],
  rule: (ctx) => {
    const e = ctx.e;
    const y = ctx.node.output[0];
    const dy = ctx.dy[0]!;
    const axis = attrInt(ctx.node, "axis", -1);
    const total = e.reduce("ReduceSum", dy, [axis], true);
    return [e.op("Sub", [dy, e.op("Mul", [e.op("Exp", [y]), total])])];
  },
};

/** Reduced axes (normalized), [] for "all axes", or null for "no reduction". */
function reducedAxes(ctx: GradContext, rank: number): number[] | null {
  const { node, e } = ctx;
  let axes = attrInts(node, "axes");
  if (axes === undefined && node.input[1]) {
    const known = e.info.values.get(node.input[1]);
    if (known === undefined || known.some((d) => typeof d !== "number")) {
      ctx.fail("the axes input is not a constant");
    }
    axes = known as number[];
  }
  if (axes === undefined || axes.length === 0) {
    if (attrInt(node, "noop_with_empty_axes", 0) === 1) return null;
    return Array.from({ length: rank }, (_, i) => i);
  }
  return axes.map((a) => normalizeAxis(a, rank));
}

function expandBack(ctx: GradContext, axes: readonly number[]): string {
  const e = ctx.e;
  const x = ctx.node.input[0];
  let dy = ctx.dy[0]!;
  const keep = attrInt(ctx.node, "keepdims", 1) === 1;
  const rank = e.shape(x)!.length;
  if (!keep && axes.length > 0 && axes.length < rank) {
    dy = e.unsqueeze(
      dy,
      [...axes].sort((a, b) => a - b),
    );
  }
  return e.op("Expand", [dy, e.shapeOf(x)]);
}

const reduceSum: GradRuleEntry = {
  inputs: [0],
  rule: (ctx) => {
    const rank = ctx.e.rank(ctx.node.input[0], "ReduceSum gradient");
    const axes = reducedAxes(ctx, rank);
    return [axes === null ? ctx.dy[0] : expandBack(ctx, axes)];
  },
};

/** 1 / (number of reduced elements), static when the reduced dims are known. */
function inverseCount(ctx: GradContext, axes: readonly number[]): string {
  const e = ctx.e;
  const x = ctx.node.input[0];
  const shape = e.shape(x)!;
  const count = staticSize(axes.map((a) => shape[a]));
  if (count !== null) return e.scalar(1 / count, x);
  const to = { to: A.int(e.elemType(x)) };
  const nx = e.op("Cast", [e.op("Size", [x])], to);
  const ny = e.op("Cast", [e.op("Size", [ctx.node.output[0]])], to);
  return e.op("Div", [ny, nx]);
}

const reduceMean: GradRuleEntry = {
  inputs: [0],
  rule: (ctx) => {
    const rank = ctx.e.rank(ctx.node.input[0], "ReduceMean gradient");
    const axes = reducedAxes(ctx, rank);
    if (axes === null) return [ctx.dy[0]];
    return [ctx.e.op("Mul", [expandBack(ctx, axes), inverseCount(ctx, axes)])];
  },
};

const globalAveragePool: GradRuleEntry = {
  inputs: [0],
  rule: (ctx) => {
    const e = ctx.e;
    const x = ctx.node.input[0];
    const rank = e.rank(x, "GlobalAveragePool gradient");
    const spatial = Array.from({ length: rank - 2 }, (_, i) => i + 2);
    const expanded = e.op("Expand", [ctx.dy[0]!, e.shapeOf(x)]);
    return [e.op("Mul", [expanded, inverseCount(ctx, spatial)])];
  },
};

export const REDUCE_RULES: Readonly<Record<string, GradRuleEntry>> = {
  Softmax: softmax,
  LogSoftmax: logSoftmax,
  ReduceSum: reduceSum,
  ReduceMean: reduceMean,
  GlobalAveragePool: globalAveragePool,
};
