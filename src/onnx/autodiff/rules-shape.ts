// Gradients of data-movement ops (ONNX operator spec): reshapes route dy back to the input's
// shape, Transpose applies the inverse permutation, Concat splits, constant Pad crops (a Pad
// with the negated pads).

import { A, attrInt, attrInts, attrString } from "../attributes.js";
import { normalizeAxis } from "../shape-inference.js";
import type { GradRuleEntry } from "./rule.js";

/** Flatten, Reshape, Squeeze, Unsqueeze: dy reshaped to the input's shape. */
const reshapeBack: GradRuleEntry = {
  inputs: [0],
  rule: (ctx) => [ctx.e.reshapeLike(ctx.dy[0]!, ctx.node.input[0])],
};

const transpose: GradRuleEntry = {
  inputs: [0],
  rule: (ctx) => {
    const x = ctx.node.input[0];
    const rank = ctx.e.rank(x, "Transpose gradient");
    const perm = attrInts(ctx.node, "perm") ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
    const inverse = new Array<number>(rank);
    perm.forEach((p, i) => {
      inverse[p] = i;
    });
    return [ctx.e.op("Transpose", [ctx.dy[0]!], { perm: A.ints(inverse) })];
  },
};

const concat: GradRuleEntry = {
  inputs: "all",
  rule: (ctx) => {
    const e = ctx.e;
    const { node } = ctx;
    const rank = e.rank(node.output[0], "Concat gradient");
    const axis = normalizeAxis(attrInt(node, "axis", 0), rank);
    const sizes = node.input.map((x) => e.shape(x)?.[axis] ?? null);
    const split = sizes.every((s) => typeof s === "number")
      ? e.ints(sizes as number[])
      : e.op(
          "Concat",
          node.input.map((x) => e.op("Gather", [e.op("Shape", [x]), e.ints([axis])])),
          { axis: A.int(0) },
        );
    const parts = e.b.add(
      "Split",
      [ctx.dy[0]!, split],
      { axis: A.int(axis) },
      {
        outputs: node.input.length,
      },
    );
    return parts.map((p, i) => (ctx.needs(i) ? p : undefined));
  },
};

const pad: GradRuleEntry = {
  inputs: [0],
  rule: (ctx) => {
    const { node, e } = ctx;
    if (attrString(node, "mode", "constant") !== "constant") ctx.fail("only constant mode");
    if (node.input[3]) ctx.fail("the axes input is not supported");
    const known = e.info.values.get(node.input[1]);
    const pads = known?.every((d) => typeof d === "number")
      ? e.ints((known as number[]).map((p) => -p))
      : e.op("Neg", [node.input[1]]);
    // Negative pads crop: the gradient of padding is cropping the padded border away.
    return [e.op("Pad", [ctx.dy[0]!, pads])];
  },
};

/** Slice with unit steps: dy padded with zeros back to the input's extent on each axis. */
const slice: GradRuleEntry = {
  inputs: [0],
  rule: (ctx) => {
    const { node, e } = ctx;
    const x = node.input[0];
    const shape = e.shape(x);
    const known = (i: number) => {
      const v = node.input[i] ? e.info.values.get(node.input[i]) : undefined;
      return v?.every((d) => typeof d === "number") ? (v as number[]) : undefined;
    };
    const starts = known(1);
    const ends = known(2);
    if (shape === null || starts === undefined || ends === undefined) {
      return ctx.fail("starts, ends and the input's rank must be known");
    }
    const rank = shape.length;
    const axes = (known(3) ?? starts.map((_, i) => i)).map((a) => normalizeAxis(a, rank));
    const steps = known(4) ?? starts.map(() => 1);
    if (node.input[3] && known(3) === undefined) ctx.fail("the axes input is not a constant");
    if (steps.some((s) => s !== 1)) ctx.fail("only unit steps are supported");
    const pads = new Array<number>(2 * rank).fill(0);
    axes.forEach((axis, i) => {
      const size = shape[axis];
      const dim = typeof size === "number" ? size : ctx.fail(`axis ${axis} needs a static size`);
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
      const begin = clamp(starts[i]);
      const end = Math.max(begin, clamp(ends[i]));
      pads[axis] = begin;
      pads[axis + rank] = dim - end;
    });
    return [e.op("Pad", [ctx.dy[0]!, e.ints(pads)])];
  },
};

export const SHAPE_RULES: Readonly<Record<string, GradRuleEntry>> = {
  Flatten: reshapeBack,
  Reshape: reshapeBack,
  Squeeze: reshapeBack,
  Unsqueeze: reshapeBack,
  Transpose: transpose,
  Concat: concat,
  Pad: pad,
  Slice: slice,
};
