import { describe, expect, it } from "vitest";
import { A } from "../../../src/onnx/attributes.js";
import type { GraphBuilder } from "../../../src/onnx/builder.js";
import { checkCase, maxError, type OpCase, randomTensor } from "./gradcheck.js";

function bn(b: GraphBuilder, x: string, dt: number, c: number): string {
  const scale = b.initializer(randomTensor("scale", [c], dt, 1, 1));
  const bias = b.initializer(randomTensor("bias", [c], dt, 2, 1));
  const mean = b.initializer(randomTensor("mean", [c], dt, 3, 0.5));
  const variance = b.initializer(randomTensor("var", [c], dt, 4, 0.5, 1));
  return b.op("BatchNormalization", [x, scale, bias, mean, variance], { epsilon: A.float(1e-3) });
}

const params = ["scale", "bias", "mean", "var"];
const cases: OpCase[] = [
  {
    name: "BatchNormalization [N,3,4,2] (inference), all inputs",
    inputShape: [2, 3, 4, 2],
    outSize: 24,
    params,
    body: (b, x, dt) => b.op("Tanh", [bn(b, x, dt, 3)]),
  },
  {
    name: "BatchNormalization [N,5] after Gemm-like tabular input, batch 1",
    inputShape: [1, 5],
    outSize: 5,
    params,
    body: (b, x, dt) => b.op("Sigmoid", [bn(b, x, dt, 5)]),
  },
];

describe("autodiff: BatchNormalization gradients vs central differences (float64)", () => {
  for (const c of cases) {
    it(c.name, async () => {
      expect(maxError(await checkCase(c))).toBeLessThan(1e-6);
    });
  }
});
