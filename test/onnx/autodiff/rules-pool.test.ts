import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/core/index.js";
import { A, type Attr } from "../../../src/onnx/attributes.js";
import { DataType } from "../../../src/onnx/ir.js";
import { checkCase, maxError, type OpCase } from "./gradcheck.js";

const F = DataType.FLOAT;

/** Distinct values 0.05 apart, shuffled: no two elements of a window within 2h of each other. */
function separated(shape: number[], seed: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Float32Array.from({ length: n }, (_, i) => (i - n / 2) * 0.05);
  return createRng(seed).shuffle(values);
}

function pool(
  op: string,
  name: string,
  inputShape: number[],
  outSize: number,
  attrs: Record<string, Attr>,
): OpCase {
  return {
    name: `${op} ${name}`,
    inputShape,
    outSize,
    dtype: F,
    input: op === "MaxPool" ? separated(inputShape, 3) : undefined,
    body: (b, x) => b.op(op, [x], attrs),
  };
}

const cases: OpCase[] = [
  pool("MaxPool", "2x2 stride 2", [2, 3, 6, 6], 27, {
    kernel_shape: A.ints([2, 2]),
    strides: A.ints([2, 2]),
  }),
  pool("MaxPool", "3x3 stride 2 pads 1 (overlapping windows)", [1, 2, 7, 7], 32, {
    kernel_shape: A.ints([3, 3]),
    strides: A.ints([2, 2]),
    pads: A.ints([1, 1, 1, 1]),
  }),
  pool("MaxPool", "2x2 stride 2 pads 1 (disjoint windows with padding)", [1, 2, 5, 5], 18, {
    kernel_shape: A.ints([2, 2]),
    strides: A.ints([2, 2]),
    pads: A.ints([1, 1, 1, 1]),
  }),
  pool("MaxPool", "2x2 stride 2 ceil_mode", [2, 1, 7, 5], 12, {
    kernel_shape: A.ints([2, 2]),
    strides: A.ints([2, 2]),
    ceil_mode: A.int(1),
  }),
  pool("MaxPool", "2x2 dilation 2", [1, 2, 6, 6], 32, {
    kernel_shape: A.ints([2, 2]),
    dilations: A.ints([2, 2]),
  }),
  pool("AveragePool", "2x2 stride 2", [2, 3, 6, 6], 27, {
    kernel_shape: A.ints([2, 2]),
    strides: A.ints([2, 2]),
  }),
  pool("AveragePool", "3x3 stride 2 pads 1, count_include_pad 0", [1, 2, 7, 7], 32, {
    kernel_shape: A.ints([3, 3]),
    strides: A.ints([2, 2]),
    pads: A.ints([1, 1, 1, 1]),
  }),
  pool("AveragePool", "3x2 stride 2 pads [1,0,0,1], count_include_pad 1", [2, 2, 7, 6], 18, {
    kernel_shape: A.ints([3, 2]),
    strides: A.ints([2, 2]),
    pads: A.ints([1, 0, 0, 1]),
    count_include_pad: A.int(1),
  }),
  pool("AveragePool", "2x2 stride 2 ceil_mode", [2, 1, 7, 5], 12, {
    kernel_shape: A.ints([2, 2]),
    strides: A.ints([2, 2]),
    ceil_mode: A.int(1),
  }),
];

// ReLU -> MaxPool: the ReLU's mask is folded into the pooled gradient. Float64 (MaxPool runs in
// double), with many windows all-negative so that their pooled output is exactly 0; no input
// is within h of the kink at 0.
const reluCases: OpCase[] = [
  {
    name: "Relu -> MaxPool 3x3 stride 2 pads 1 (folded mask, float64)",
    inputShape: [2, 2, 7, 7],
    outSize: 32,
    dtype: DataType.DOUBLE,
    input: Float64Array.from(separated([2, 2, 7, 7], 5), (v) => v - 2.025),
    body: (b, x) =>
      b.op("MaxPool", [b.op("Relu", [x])], {
        kernel_shape: A.ints([3, 3]),
        strides: A.ints([2, 2]),
        pads: A.ints([1, 1, 1, 1]),
      }),
  },
  {
    name: "Relu -> MaxPool 2x2 where the ReLU output is also used elsewhere (no folding)",
    inputShape: [1, 2, 4, 4],
    outSize: 8 + 32,
    dtype: DataType.DOUBLE,
    input: Float64Array.from(separated([1, 2, 4, 4], 6), (v) => v - 0.325),
    body: (b, x) => {
      const r = b.op("Relu", [x]);
      const p = b.op("MaxPool", [r], { kernel_shape: A.ints([2, 2]), strides: A.ints([2, 2]) });
      const flat = (v: string) => b.op("Flatten", [v]);
      return b.op("Concat", [flat(p), flat(r)], { axis: A.int(1) });
    },
  },
];

describe("autodiff: ReLU folded into MaxPool", () => {
  for (const c of reluCases) {
    it(c.name, async () => {
      expect(maxError(await checkCase(c))).toBeLessThan(1e-6);
    });
  }
});

describe("autodiff: pooling gradients vs central differences (float32)", () => {
  for (const c of cases) {
    it(c.name, async () => {
      expect(maxError(await checkCase(c))).toBeLessThan(1e-3);
    });
  }
});
