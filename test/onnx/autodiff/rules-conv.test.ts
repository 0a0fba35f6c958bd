import { describe, expect, it } from "vitest";
import { A, type Attr } from "../../../src/onnx/attributes.js";
import type { GraphBuilder } from "../../../src/onnx/builder.js";
import { DataType } from "../../../src/onnx/ir.js";
import { checkCase, maxError, type OpCase, randomTensor } from "./gradcheck.js";

// onnxruntime runs Conv and ConvTranspose in float32 only: central differences with h = 1e-2.
const F = DataType.FLOAT;

function convCase(
  name: string,
  inputShape: number[],
  weight: number[],
  outSize: number,
  attrs: Record<string, Attr>,
  bias = true,
): OpCase {
  return {
    name,
    inputShape,
    outSize,
    dtype: F,
    params: bias ? ["w", "bias"] : ["w"],
    body: (b: GraphBuilder, x: string, dt: number) => {
      const w = b.initializer(randomTensor("w", weight, dt, 21, 0.5));
      const inputs = [x, w];
      if (bias) inputs.push(b.initializer(randomTensor("bias", [weight[0]], dt, 22)));
      return b.op("Conv", inputs, attrs);
    },
  };
}

const cases: OpCase[] = [
  convCase("3x3, pads 1, bias", [2, 3, 7, 6], [4, 3, 3, 3], 4 * 7 * 6, {
    pads: A.ints([1, 1, 1, 1]),
  }),
  convCase(
    "stride 2, asymmetric pads, dilation 2, batch 1",
    [1, 2, 9, 8],
    [3, 2, 3, 2],
    3 * 3 * 4,
    {
      strides: A.ints([2, 2]),
      pads: A.ints([1, 0, 0, 1]),
      dilations: A.ints([2, 2]),
    },
  ),
  convCase("groups 2, stride 2, pads 1", [2, 4, 7, 7], [6, 2, 3, 3], 6 * 4 * 4, {
    group: A.int(2),
    strides: A.ints([2, 2]),
    pads: A.ints([1, 1, 1, 1]),
  }),
  convCase(
    "groups 2, stride 2, dilation 2, leftover rows",
    [1, 4, 10, 9],
    [4, 2, 3, 3],
    4 * 4 * 4,
    {
      group: A.int(2),
      strides: A.ints([2, 2]),
      dilations: A.ints([2, 2]),
      pads: A.ints([1, 1, 1, 1]),
    },
  ),
  convCase(
    "depthwise (groups = channels), no bias",
    [2, 3, 6, 6],
    [3, 1, 3, 3],
    3 * 4 * 4,
    {
      group: A.int(3),
    },
    false,
  ),
  convCase("auto_pad SAME_UPPER, stride 2", [2, 2, 7, 7], [2, 2, 3, 3], 2 * 4 * 4, {
    auto_pad: A.string("SAME_UPPER"),
    strides: A.ints([2, 2]),
  }),
  convCase("1-D, stride 3, leftover", [2, 3, 11], [2, 3, 4], 2 * 3, { strides: A.ints([3]) }),
];

describe("autodiff: Conv gradients vs central differences (float32)", () => {
  for (const c of cases) {
    it(c.name, async () => {
      expect(maxError(await checkCase(c))).toBeLessThan(1e-3);
    });
  }
});
