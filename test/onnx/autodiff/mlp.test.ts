import { describe, expect, it } from "vitest";
import { A } from "../../../src/onnx/attributes.js";
import { DataType } from "../../../src/onnx/ir.js";
import {
  fixture,
  GradientRunner,
  inputGradientError,
  parameterGradientError,
  randomInput,
  randomLabels,
  randomTensor,
} from "./gradcheck.js";

const D = DataType.DOUBLE;

function mlp() {
  return fixture(
    [3, 5],
    4,
    (b, x, dt) => {
      b.initializer(randomTensor("w1", [6, 5], dt, 1));
      b.initializer(randomTensor("b1", [6], dt, 2));
      b.initializer(randomTensor("w2", [6, 4], dt, 3));
      b.initializer(randomTensor("b2", [4], dt, 4));
      const h = b.op("Gemm", [x, "w1", "b1"], { transB: A.int(1) });
      const r = b.op("Relu", [h]);
      const z = b.op("MatMul", [r, "w2"]);
      return b.op("Add", [z, "b2"]);
    },
    D,
  );
}

describe("autodiff: MLP end to end", () => {
  for (const loss of ["cross-entropy", "cw-margin", "mse"] as const) {
    it(`input and parameter gradients match finite differences (${loss})`, async () => {
      const f = mlp();
      const runner = await GradientRunner.create(f.model, loss, ["w1", "b1", "w2", "b2"]);
      const x = randomInput(f.inputShape, D, 11);
      const y = randomLabels(3, 4, 12);
      expect(await inputGradientError(runner, x, f.inputShape, y, 1e-6)).toBeLessThan(1e-6);
      for (const p of ["w1", "b1", "w2", "b2"]) {
        expect(await parameterGradientError(runner, p, x, f.inputShape, y, 1e-6)).toBeLessThan(
          1e-6,
        );
      }
    });
  }
});
