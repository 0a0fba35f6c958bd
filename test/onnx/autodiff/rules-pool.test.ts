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

describe("autodiff: pooling gradients vs central differences (float32)", () => {
  for (const c of cases) {
    it(c.name, async () => {
      expect(maxError(await checkCase(c))).toBeLessThan(1e-3);
    });
  }
});
