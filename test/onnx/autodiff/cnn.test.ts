import { describe, expect, it } from "vitest";
import { A } from "../../../src/onnx/attributes.js";
import { DataType } from "../../../src/onnx/ir.js";
import {
  fixture,
  GradientRunner,
  inputGradientCheck,
  parameterGradientError,
  randomInput,
  randomLabels,
  randomTensor,
} from "./gradcheck.js";

const F = DataType.FLOAT;
const PARAMS = ["w1", "b1", "w2", "b2", "w3", "b3", "w4", "b4"];

/** The digits-cnn architecture in miniature: conv, relu, maxpool twice, then two dense layers. */
function smallCnn() {
  return fixture(
    [2, 1, 14, 14],
    4,
    (b, x, dt) => {
      const t = (name: string, dims: number[], seed: number, scale: number) =>
        b.initializer(randomTensor(name, dims, dt, seed, scale));
      const pool = { kernel_shape: A.ints([2, 2]), strides: A.ints([2, 2]) };
      let h = b.op("Conv", [x, t("w1", [3, 1, 3, 3], 1, 0.5), t("b1", [3], 2, 0.1)]);
      h = b.op("MaxPool", [b.op("Relu", [h])], pool);
      h = b.op("Conv", [h, t("w2", [4, 3, 3, 3], 3, 0.3), t("b2", [4], 4, 0.1)]);
      h = b.op("MaxPool", [b.op("Relu", [h])], pool);
      h = b.op("Gemm", [b.op("Flatten", [h]), t("w3", [8, 16], 5, 0.4), t("b3", [8], 6, 0.1)], {
        transB: A.int(1),
      });
      return b.op("Gemm", [b.op("Relu", [h]), t("w4", [4, 8], 7, 0.5), t("b4", [4], 8, 0.1)], {
        transB: A.int(1),
      });
    },
    F,
  );
}

describe("autodiff: a small CNN end to end (float32)", () => {
  it("input and every parameter gradient match central differences", async () => {
    const f = smallCnn();
    const runner = await GradientRunner.create(f.model, "cross-entropy", PARAMS);
    const x = randomInput(f.inputShape, F, 3, 0.5, 0.5);
    const y = randomLabels(2, 4, 4);
    // The loss is float32, so the step must be large against its round-off (1e-2); such steps
    // straddle ReLU kinks and max-pool switches at a few coordinates: those (where the
    // one-sided slopes disagree) are left out, and must stay rare.
    const input = await inputGradientCheck(runner, x, f.inputShape, y, 1e-2, 0.005);
    expect(input.skipped / input.total).toBeLessThan(0.05);
    const errors: Record<string, number> = { input: input.error };
    for (const p of PARAMS) {
      errors[p] = await parameterGradientError(runner, p, x, f.inputShape, y, 1e-3, 24);
    }
    if (process.env.GRADCHECK_REPORT) {
      console.log(`GRADCHECK cnn ${JSON.stringify({ ...errors, skipped: input.skipped })}`);
    }
    // Per-op precision is established op by op (rules-*.test.ts) and against PyTorch; here the
    // float32 loss quantises each slope to ~1e-5, so the composite input check gets 3e-3.
    expect(errors.input).toBeLessThan(3e-3);
    for (const p of PARAMS) expect(errors[p]).toBeLessThan(1e-3);
  });
});
