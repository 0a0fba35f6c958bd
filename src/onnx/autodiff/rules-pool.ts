// Gradient of AveragePool (ONNX operator spec): each output's dy / (its window's divisor) is
// spread over the window with a depthwise ConvTranspose whose kernel is all ones.

import { attrInt, attrInts, hasAttr } from "../attributes.js";
import type { GradRuleEntry } from "./rule.js";
import { transposedConv, windowOf } from "./rules-conv.js";

/** Per-axis window sizes used as divisors, following onnxruntime's pooling kernels. */
function divisors(
  inSize: number,
  outSize: number,
  k: number,
  s: number,
  padBegin: number,
  padEnd: number,
  includePad: boolean,
): number[] {
  return Array.from({ length: outSize }, (_, o) => {
    const start = o * s - padBegin;
    const end = Math.min(start + k, inSize + padEnd);
    return includePad ? end - start : Math.min(end, inSize) - Math.max(start, 0);
  });
}

const averagePool: GradRuleEntry = {
  inputs: [0],
  rule: (ctx) => {
    const { node, e } = ctx;
    const x = node.input[0];
    if (hasAttr(node, "dilations") && (attrInts(node, "dilations") ?? []).some((d) => d !== 1)) {
      ctx.fail("dilated AveragePool is not supported");
    }
    const w = windowOf(ctx, attrInts(node, "kernel_shape"));
    const c = e.shape(x)![1];
    const channels = typeof c === "number" ? c : ctx.fail("the channel count must be static");
    const r = w.kernel.length;
    const includePad = attrInt(node, "count_include_pad", 0) === 1;
    const perAxis = w.kernel.map((k, i) =>
      divisors(w.inSize[i], w.outSize[i], k, w.strides[i], w.pads[i], w.pads[i + r], includePad),
    );
    const uniform = perAxis.every((d) => d.every((v) => v === d[0]));
    let scale: string;
    if (uniform) {
      scale = e.scalar(1 / perAxis.reduce((p, d) => p * d[0], 1), x);
    } else {
      // The divisor is separable: the product over axes of each axis' clipped window size.
      let values = [1];
      for (const d of perAxis) values = values.flatMap((v) => d.map((c) => v * c));
      scale = e.tensor(
        values.map((v) => 1 / v),
        [1, 1, ...w.outSize],
        x,
      );
    }
    const kernelSize = w.kernel.reduce((p, k) => p * k, 1);
    const ones = e.tensor(new Array(channels * kernelSize).fill(1), [channels, 1, ...w.kernel], x);
    const scaled = e.op("Mul", [ctx.dy[0]!, scale]);
    return [transposedConv(e, scaled, ones, w, channels)];
  },
};

export const POOL_RULES: Readonly<Record<string, GradRuleEntry>> = {
  AveragePool: averagePool,
};
